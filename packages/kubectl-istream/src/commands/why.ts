// kubectl istream why WORKLOAD|POD|STREAM[:TAG]: why a workload or pod has the images it has
// (triggers, and image lookup at admission), or where a stream tag's imports stand. Reads only;
// the explanations live in printers/why.ts and printers/why-lookup.ts.
import { lookupBackends, type InstalledAdmission, type LookupBackend } from '@istream/core/admission';
import {
  eventsAbout,
  isNotFound,
  KubeApiError,
  kubeClient,
  resourcePath,
  type ImageStreamClient,
  type KubeList,
  type KubeObject,
} from '@istream/core/cluster';
import { parseStreamTag, type ImageStream } from '@istream/core/imagestream';
import { WORKLOAD_KINDS, type WorkloadKind } from '@istream/core/workloads';
import { CliError, streamNotFound } from '../errors.js';
import type { Factory } from '../factory.js';
import { explainLookup } from '../printers/why-lookup.js';
import { explainStreamTag, explainWorkload, triggerStreams, type EventFact, type StreamFact } from '../printers/why.js';
import { anyKindByName, nonWorkloadResource, typeOfObject, WorkloadClient } from '../workloads.js';

export interface WhyOptions {
  target: string;
  now?: () => Date;
}

async function streamFact(client: ImageStreamClient, namespace: string, name: string): Promise<StreamFact> {
  try {
    return (await client.get(namespace, name)) ?? 'not-found';
  } catch (e) {
    if (e instanceof KubeApiError && e.status === 403) return 'forbidden';
    throw e;
  }
}

async function workloadEvents(client: ImageStreamClient, namespace: string, name: string): Promise<EventFact[]> {
  try {
    return (await eventsAbout(client.connection, namespace, name)).map((e) => ({
      type: e.type ?? '',
      reason: e.reason ?? '',
      message: e.message ?? '',
      time: String(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp ?? ''),
    }));
  } catch (e) {
    // Events are the controller's side of the story; without read access the rest still answers.
    if (e instanceof KubeApiError && e.status === 403) return [];
    throw e;
  }
}

const isForbidden = (e: unknown): boolean => e instanceof KubeApiError && e.status === 403;

/** The items of a cluster-scoped list; none when the cluster does not serve the resource. */
async function listAll(factory: Factory, apiVersion: string, resource: string): Promise<KubeObject[]> {
  const { streams } = await factory.cluster();
  try {
    return (await kubeClient(streams.connection).call<KubeList<KubeObject>>(resourcePath(apiVersion, resource))).items;
  } catch (e) {
    if (isNotFound(e)) return [];
    throw e;
  }
}

async function installedLookup(factory: Factory, namespaceLabels: Record<string, string>, kind: WorkloadKind) {
  const api = 'admissionregistration.k8s.io/v1';
  try {
    const [webhookConfigurations, policies, policyBindings] = await Promise.all([
      listAll(factory, api, 'mutatingwebhookconfigurations'),
      listAll(factory, api, 'mutatingadmissionpolicies'),
      listAll(factory, api, 'mutatingadmissionpolicybindings'),
    ]);
    const installed: InstalledAdmission = { webhookConfigurations, policies, policyBindings };
    return lookupBackends(installed, namespaceLabels, kind.resource);
  } catch (e) {
    if (isForbidden(e)) return 'forbidden' as const;
    throw e;
  }
}

/** The facts the image lookup explanation needs, each read as far as the user may read it. */
async function lookupSection(factory: Factory, kind: WorkloadKind, object: KubeObject, namespace: string) {
  const { streams: client } = await factory.cluster();
  let namespaceLabels: Record<string, string> | undefined;
  try {
    const ns = await kubeClient(client.connection).call<KubeObject>(
      resourcePath('v1', 'namespaces', undefined, namespace),
    );
    namespaceLabels = ns.metadata?.labels ?? {};
  } catch (e) {
    if (!isForbidden(e)) throw e;
  }
  // Without the Namespace, its name label (set by the API server on every namespace) still holds.
  const labels = namespaceLabels ?? { 'kubernetes.io/metadata.name': namespace };
  const backends: LookupBackend[] | 'forbidden' = await installedLookup(factory, labels, kind);
  let streams: ImageStream[] | 'forbidden';
  try {
    streams = await client.list(namespace);
  } catch (e) {
    if (!isForbidden(e)) throw e;
    streams = 'forbidden';
  }
  return explainLookup({ kind, object, namespace, backends, namespaceLabels, streams });
}

export async function runWhy(options: WhyOptions, factory: Factory): Promise<void> {
  const now = (options.now ?? (() => new Date()))();
  const { streams: client, namespace } = await factory.cluster();
  const slash = options.target.indexOf('/');
  if (slash >= 0) {
    const typed = options.target.slice(0, slash);
    const name = options.target.slice(slash + 1);
    const kind = anyKindByName(typed);
    if (kind === undefined) {
      const resource = nonWorkloadResource(typed);
      if (resource === undefined) throw new CliError(`the server doesn't have a resource type "${typed}"`);
      const kinds = WORKLOAD_KINDS.map((k) => k.resource).join(', ');
      throw new CliError(
        `why explains workloads with triggers or image lookup (${kinds}) and image streams, not ${resource}`,
      );
    }
    const object = await new WorkloadClient(client.connection).get(kind, namespace, name);
    const triggerable = typeOfObject({ ...object, kind: kind.kind });
    let text = `${kind.kind.toLowerCase()}${kind.group ? `.${kind.group}` : ''}/${name} in namespace ${namespace}\n`;
    if (triggerable !== undefined) {
      const streams = new Map<string, StreamFact>();
      for (const source of triggerStreams(object, namespace)) {
        streams.set(`${source.namespace}/${source.name}`, await streamFact(client, source.namespace, source.name));
      }
      const events = await workloadEvents(client, namespace, name);
      text = explainWorkload({ kind: triggerable, object, namespace, streams, events, now });
    }
    // The same JSON as read; WorkloadObject types only what triggers read.
    const lookup = await lookupSection(factory, kind, object as unknown as KubeObject, namespace);
    factory.io.out.write(text + lookup);
    return;
  }
  const parsed = parseStreamTag(options.target);
  const name = parsed.stream;
  const tag = parsed.explicitTag ? parsed.tag : undefined;
  const stream: ImageStream | undefined = await client.get(namespace, name);
  if (stream === undefined) throw streamNotFound(name);
  const known = [
    ...new Set([...(stream.spec.tags ?? []).map((t) => t.name), ...(stream.status?.tags ?? []).map((t) => t.tag)]),
  ];
  if (tag !== undefined && !known.includes(tag)) {
    throw new CliError(`image stream ${name} has no tag ${tag} (tags: ${known.join(', ') || 'none'})`);
  }
  const tags = tag !== undefined ? [tag] : known;
  if (tags.length === 0) factory.io.out.write(`imagestream ${namespace}/${name} has no tags\n`);
  factory.io.out.write(tags.map((t) => explainStreamTag(stream, t, now)).join('\n'));
}
