// `kubectl istream why`: the answer to "why didn't it update?", from what the cluster holds (the
// workload, its streams, the controller's Events). Pure: the command gathers the facts.
import {
  latestObservedGeneration,
  REPOSITORY_CHECK_ANNOTATION,
  resolveTag,
  specTag,
  statusTag,
  type ImageStream,
} from '@istream/core/imagestream';
import {
  podSpecOf,
  readTriggers,
  TRIGGER_ANNOTATION,
  type EffectiveTrigger,
  type WorkloadObject,
} from '@istream/core/triggers';
import type { TriggerableWorkloadKind } from '@istream/core/workloads';

export interface EventFact {
  type: string;
  reason: string;
  message: string;
  /** When it last happened (RFC 3339). */
  time: string;
}

/** A stream as the user may see it: the object, or why it cannot be read. */
export type StreamFact = ImageStream | 'not-found' | 'forbidden';

export interface WorkloadFacts {
  kind: TriggerableWorkloadKind;
  object: WorkloadObject;
  namespace: string;
  /** By `namespace/name`. */
  streams: Map<string, StreamFact>;
  /** The workload's Events, any order. */
  events: EventFact[];
  now: Date;
}

/** The streams a workload's triggers follow, as `namespace/name` keys, for the command to fetch. */
export function triggerStreams(object: WorkloadObject, namespace: string): Array<{ namespace: string; name: string }> {
  const value = object.metadata?.annotations?.[TRIGGER_ANNOTATION];
  if (value === undefined) return [];
  const seen = new Map<string, { namespace: string; name: string }>();
  for (const t of readTriggers(value, object).triggers) {
    const ns = t.namespace || namespace;
    seen.set(`${ns}/${t.stream}`, { namespace: ns, name: t.stream });
  }
  return [...seen.values()];
}

function age(time: string, now: Date): string {
  const seconds = Math.max(0, Math.round((now.getTime() - Date.parse(time)) / 1000));
  if (seconds < 120) return `${seconds}s ago`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m ago`;
  return seconds < 172_800 ? `${Math.round(seconds / 3600)}h ago` : `${Math.round(seconds / 86_400)}d ago`;
}

const TRIGGER_REASONS = new Set([
  'ImageTriggered',
  'ManualImageChangeReverted',
  'ImageTriggerForbidden',
  'ImageTriggerNotWatched',
  'ImageTriggerInvalid',
]);

function newest(events: EventFact[], matches: (e: EventFact) => boolean): EventFact | undefined {
  return events
    .filter((e) => TRIGGER_REASONS.has(e.reason) && matches(e))
    .sort((a, b) => Date.parse(b.time) - Date.parse(a.time))[0];
}

function failedImport(stream: ImageStream, tag: string): string | undefined {
  const condition = statusTag(stream, tag)?.conditions?.find((c) => c.type === 'ImportSuccess' && c.status === 'False');
  return condition === undefined
    ? undefined
    : `import failed (${condition.reason ?? 'unknown'}): ${condition.message ?? ''}`;
}

/** Why a trigger's container has, or will get, the image it has: the first answer that applies. */
function triggerState(
  trigger: EffectiveTrigger,
  display: string,
  stream: StreamFact | undefined,
  templateImage: string | undefined,
  forbidden: EventFact | undefined,
): string {
  if (trigger.paused) return 'paused: the trigger does not fire while "paused": true (set-triggers --auto resumes it)';
  if (trigger.container === undefined)
    return `container not found: the pod template has no container that ${trigger.fieldPath} selects`;
  if (stream === 'forbidden' || forbidden !== undefined) {
    return `forbidden: ${forbidden?.message ?? `you may not read image stream ${display.split(':')[0]}`}`;
  }
  if (stream === undefined || stream === 'not-found') return `image stream ${display.split(':')[0]} not found`;
  const failed = failedImport(stream, trigger.tag);
  const resolved = resolveTag(stream, trigger.tag);
  if (resolved === undefined) {
    if (failed !== undefined) return failed;
    const ref = specTag(stream, trigger.tag);
    if (ref === undefined) {
      const tags = (stream.spec.tags ?? []).map((t) => t.name).join(', ') || 'none';
      return `tag not found: image stream ${stream.metadata.name} has no tag ${trigger.tag} (tags: ${tags})`;
    }
    return `waiting for import: tag ${trigger.tag} has no image yet (spec generation ${ref.generation ?? 'unset'}, imported ${latestObservedGeneration(stream, trigger.tag)})`;
  }
  if (failed !== undefined) return `${failed}; the tag still points at its previous image`;
  if (resolved === templateImage) return 'up to date';
  return 'not applied yet: the controller sets it on its next reconcile (is `kubectl istream controller` running?)';
}

/** The explanation for every trigger of a workload. */
export function explainWorkload(facts: WorkloadFacts): string {
  const { kind, object, namespace, now } = facts;
  const name = object.metadata?.name ?? '';
  const lines = [`${kind.kind.toLowerCase()}.${kind.group}/${name} in namespace ${namespace}`];
  const value = object.metadata?.annotations?.[TRIGGER_ANNOTATION];
  if (value === undefined) return `${lines[0]}\n  no ${TRIGGER_ANNOTATION} annotation: nothing updates its images\n`;
  const reading = readTriggers(value, object);
  if (!reading.accepted) {
    const problem = reading.problems.find((p) => p.severity === 'error');
    lines.push(
      `  annotation unreadable: ${problem?.message ?? 'OpenShift ignores the whole annotation'}`,
      '  no trigger fires until it is fixed (kubectl istream lint)',
    );
    return `${lines.join('\n')}\n`;
  }
  const podSpec = podSpecOf(object, kind.kind);
  for (const trigger of reading.triggers) {
    const sourceNamespace = trigger.namespace || namespace;
    const display =
      sourceNamespace === namespace
        ? `${trigger.stream}:${trigger.tag}`
        : `${sourceNamespace}/${trigger.stream}:${trigger.tag}`;
    const stream = facts.streams.get(`${sourceNamespace}/${trigger.stream}`);
    const list = trigger.container && podSpec?.[trigger.container.init ? 'initContainers' : 'containers'];
    const container = Array.isArray(list)
      ? (list[trigger.container!.index] as { image?: unknown } | undefined)
      : undefined;
    const templateImage = typeof container?.image === 'string' ? container.image : undefined;
    const mentions = (e: EventFact): boolean =>
      e.message.includes(display) || e.message.includes(`${trigger.stream}:${trigger.tag}`);
    const forbidden = newest(facts.events, (e) => mentions(e) && e.reason === 'ImageTriggerForbidden');
    const last = newest(
      facts.events,
      (e) => mentions(e) || (e.reason === 'ImageTriggerInvalid' && e.message.includes(`trigger ${trigger.index}:`)),
    );
    const resolved = typeof stream === 'object' ? resolveTag(stream, trigger.tag) : undefined;
    const lastForbidden = forbidden !== undefined && last === forbidden ? forbidden : undefined;
    lines.push(
      `trigger ${trigger.index}: ${display} -> ${trigger.container ? `container ${trigger.container.name}` : trigger.fieldPath}`,
      `  stream tag:    ${sourceNamespace}/${trigger.stream}:${trigger.tag}`,
      `  would set:     ${resolved ?? '(nothing yet)'}`,
      `  template has:  ${templateImage ?? '(no such container)'}`,
      `  state:         ${triggerState(trigger, display, stream, templateImage, lastForbidden)}`,
      `  last decision: ${last ? `${last.reason}, ${age(last.time, now)}: ${last.message}` : 'none recorded'}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The explanation for one tag of a stream: its spec, what was imported, and when it is next. */
export function explainStreamTag(stream: ImageStream, tag: string, now: Date): string {
  const ref = specTag(stream, tag);
  const list = statusTag(stream, tag);
  const lines = [`imagestream ${stream.metadata.namespace ?? ''}/${stream.metadata.name}, tag ${tag}`];
  if (ref?.from === undefined) lines.push('  spec:          (none: the tag exists in status only)');
  else {
    const policy = [
      ref.importPolicy?.scheduled ? 'scheduled' : undefined,
      ref.importPolicy?.insecure ? 'insecure' : undefined,
      `importMode ${ref.importPolicy?.importMode || 'Legacy'}`,
      `referencePolicy ${ref.referencePolicy?.type || 'Source'}`,
      ref.reference ? 'reference only' : undefined,
    ]
      .filter(Boolean)
      .join(', ');
    const from = ref.from.namespace ? `${ref.from.namespace}/${ref.from.name}` : ref.from.name;
    lines.push(`  spec:          ${ref.from.kind} ${from} (${policy})`);
  }
  const observed = latestObservedGeneration(stream, tag);
  const generation = ref?.generation;
  const pending = typeof generation === 'number' && generation > observed;
  lines.push(
    `  generation:    spec ${generation ?? 'unset'}, imported ${observed}: ${
      pending || generation === undefined || generation === null ? 'an import is pending' : 'up to date'
    }`,
  );
  const current = list?.items?.[0];
  lines.push(`  current image: ${current ? `${resolveTag(stream, tag)} (since ${current.created})` : '(none)'}`);
  const failed = failedImport(stream, tag);
  const checked = stream.metadata.annotations?.[REPOSITORY_CHECK_ANNOTATION];
  const attempt = [checked, current?.created, list?.conditions?.[0]?.lastTransitionTime]
    .filter((t): t is string => Boolean(t))
    .sort((a, b) => Date.parse(b) - Date.parse(a))[0];
  lines.push(
    `  last import:   ${attempt ? `${attempt} (${age(attempt, now)})` : 'never'}: ${failed ?? (current ? 'succeeded' : 'nothing imported')}`,
  );
  const importable = ref?.from?.kind === 'DockerImage' && ref.reference !== true;
  const next = !importable
    ? 'never: only DockerImage tags that are not reference-only are imported'
    : ref.importPolicy?.scheduled
      ? `scheduled: about one import interval (the controller's --import-interval, 15m by default) after ${attempt ?? 'the controller first sees it'}`
      : pending
        ? 'as soon as the controller sees the new generation'
        : 'when the spec changes (importPolicy.scheduled is off)';
  lines.push(`  next import:   ${next}`);
  return `${lines.join('\n')}\n`;
}
