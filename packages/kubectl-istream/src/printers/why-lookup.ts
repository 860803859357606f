// `kubectl istream why`, the image lookup part: for each container, whether admission resolved its
// image from a stream with `lookupPolicy.local` and, if not, why. The per-image rules are the
// admission code's own (lookupImage); this only words them. Pure: the command gathers the facts.
import {
  controllerOwner,
  imageSlots,
  IMAGE_LOOKUP_LABEL,
  IMAGE_LOOKUP_LABEL_VALUE,
  lookupImage,
  lookupOrigin,
  NEVER_INTERCEPTED_NAMESPACES,
  resolvesAllNames,
  type ImageLookupVerdict,
  type LookupBackend,
} from '@istream/core/admission';
import type { KubeObject } from '@istream/core/cluster';
import type { ImageStream } from '@istream/core/imagestream';
import type { WorkloadKind } from '@istream/core/workloads';

export interface LookupFacts {
  kind: WorkloadKind;
  object: KubeObject;
  namespace: string;
  /** istream's lookup backends on the cluster, or 'forbidden' when the user may not list them. */
  backends: LookupBackend[] | 'forbidden';
  /** The namespace's labels; undefined when the user may not read the Namespace. */
  namespaceLabels: Record<string, string> | undefined;
  /** The namespace's streams, or 'forbidden'. */
  streams: ImageStream[] | 'forbidden';
}

/** Whether admission looks at objects of the namespace at all, and if not, why and what to do. */
function namespaceState(facts: LookupFacts): { intercepted: boolean; text: string } {
  const { namespace, backends } = facts;
  if (NEVER_INTERCEPTED_NAMESPACES.includes(namespace)) {
    return { intercepted: false, text: `namespace ${namespace} is never intercepted by image lookup` };
  }
  if (backends === 'forbidden') {
    return {
      intercepted: false,
      text: 'unknown: you may not list mutatingwebhookconfigurations or mutatingadmissionpolicies',
    };
  }
  const intercepting = backends.filter((b) => b.intercepts);
  if (intercepting.length > 0) {
    return {
      intercepted: true,
      text: `namespace ${namespace} is admitted by ${intercepting.map((b) => `${b.kind} ${b.name}`).join(', ')}`,
    };
  }
  if (backends.length === 0) {
    return {
      intercepted: false,
      text: 'not installed: no istream image lookup webhook or policy on this cluster (kubectl istream install, --admission=webhook or policy)',
    };
  }
  const label = `${IMAGE_LOOKUP_LABEL}=${IMAGE_LOOKUP_LABEL_VALUE}`;
  if (facts.namespaceLabels !== undefined && facts.namespaceLabels[IMAGE_LOOKUP_LABEL] !== IMAGE_LOOKUP_LABEL_VALUE) {
    return {
      intercepted: false,
      text: `namespace ${namespace} is not opted in: label it ${label} (kubectl label namespace ${namespace} ${label})`,
    };
  }
  return {
    intercepted: false,
    text: `namespace ${namespace} is outside the namespaces of ${backends.map((b) => `${b.kind} ${b.name}`).join(', ')} (istream's own namespace is never intercepted)`,
  };
}

function tagDisplay(verdict: { stream: string; tag: string }): string {
  return `${verdict.stream}:${verdict.tag}`;
}

/** Why a container's image is what it is, by the admission rule that applied to it. */
function containerState(
  image: string,
  verdict: ImageLookupVerdict,
  facts: LookupFacts,
  streams: ImageStream[],
  notAdmitted: string | undefined,
): string {
  const { namespace } = facts;
  switch (verdict.outcome) {
    case 'pinned': {
      const origin = lookupOrigin(image, streams);
      if (origin === undefined) return 'not needed: the image is pinned by digest';
      return origin.current
        ? `applied: the current image of ${tagDisplay(origin)} (ImageStream ${namespace}/${origin.stream})`
        : `applied: an earlier image of ${tagDisplay(origin)}; the tag has moved since, new objects get its current image`;
    }
    case 'not-a-stream-name':
      return 'not applied: the image is not a bare stream name (NAME or NAME:TAG); names with a registry or path are resolved only with the alpha.image.policy.openshift.io/resolve-names: "*" annotation';
    case 'no-stream':
      return `not applied: no ImageStream ${verdict.stream} in namespace ${namespace}, so the node pulls ${image} as named`;
    case 'lookup-off':
      return `not applied: ImageStream ${namespace}/${verdict.stream} has lookupPolicy.local false (kubectl istream set image-lookup ${verdict.stream} -n ${namespace})`;
    case 'no-image': {
      const stream = streams.find((s) => s.metadata.name === verdict.stream);
      const tags = (stream?.spec.tags ?? []).map((t) => t.name);
      const missing = tags.includes(verdict.tag)
        ? `tag ${verdict.tag} of ImageStream ${namespace}/${verdict.stream} has no image yet (kubectl istream why ${tagDisplay(verdict)})`
        : `ImageStream ${namespace}/${verdict.stream} has no tag ${verdict.tag} (tags: ${tags.join(', ') || 'none'})`;
      return `not applied: ${missing}; admission refuses new objects naming it`;
    }
    case 'resolved':
      return notAdmitted !== undefined
        ? `not applied: ${notAdmitted}; admission would write ${verdict.pullSpec}`
        : `not applied when the object was written (the stream, its image or lookupPolicy.local came later); a new object gets ${verdict.pullSpec}`;
  }
}

/** The image lookup section of `why`: one line for the namespace, one block per container. */
export function explainLookup(facts: LookupFacts): string {
  const { kind, object, namespace } = facts;
  const ns = namespaceState(facts);
  const lines = [`image lookup: ${ns.text}`];
  const owner = controllerOwner(object);
  if (owner !== undefined) {
    lines.push(
      `  owner:         created by ${owner.kind} ${owner.name} from its template: admission leaves its images alone and resolves the owner's (kubectl istream why ${owner.kind.toLowerCase()}/${owner.name})`,
    );
  }
  if (facts.streams === 'forbidden') {
    lines.push(`  streams:       you may not list the image streams of namespace ${namespace}`);
    return `${lines.join('\n')}\n`;
  }
  const streams = facts.streams;
  const byName = new Map(streams.map((s) => [s.metadata.name, s]));
  const resolveAll = resolvesAllNames(object, kind);
  const notAdmitted =
    owner !== undefined ? `created by ${owner.kind} ${owner.name}` : ns.intercepted ? undefined : ns.text;
  for (const slot of imageSlots(object, kind)) {
    const verdict = lookupImage(slot.image, namespace, resolveAll, (_, name) => byName.get(name));
    lines.push(
      `${slot.init ? 'init container' : 'container'} ${slot.name}: ${slot.image}`,
      `  lookup:        ${containerState(slot.image, verdict, facts, streams, notAdmitted)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
