// What the reactor needs from core/triggers and core/imagestream, in one place so that the
// reactor does not care how those modules spell it.
import type { KubernetesObject } from '@kubernetes/client-node';

export const triggersAnnotation = 'image.openshift.io/triggers';

/** One trigger of a workload, with the stream reference already defaulted to the workload's namespace. */
export interface WorkloadTrigger {
  streamNamespace: string;
  stream: string;
  tag: string;
  /** `[NS/]STREAM:TAG` as the annotation names it. */
  source: string;
  fieldPath: string;
  paused: boolean;
}

interface RawTrigger {
  from?: { kind?: string; name?: string; namespace?: string; apiVersion?: string };
  fieldPath?: string;
  paused?: unknown;
}

/** Reads the annotation as OpenShift does: unreadable means no triggers, odd entries are skipped. */
export function readTriggers(obj: KubernetesObject): WorkloadTrigger[] {
  const text = obj.metadata?.annotations?.[triggersAnnotation];
  if (!text) return [];
  let raw: unknown;
  try { raw = JSON.parse(text); } catch { return []; }
  if (!Array.isArray(raw)) return [];
  const entries = raw as RawTrigger[];
  if (entries.some((t) => t.paused !== undefined && typeof t.paused !== 'boolean')) return [];
  const paths = entries.map((t) => t.fieldPath);
  if (new Set(paths).size !== paths.length) return [];
  const own = obj.metadata?.namespace ?? '';
  return entries.flatMap((t): WorkloadTrigger[] => {
    const from = t.from;
    if (!from || from.kind !== 'ImageStreamTag' || from.apiVersion || !t.fieldPath) return [];
    const name = from.name ?? '';
    const colon = name.indexOf(':');
    if (colon <= 0) return [];
    const ns = from.namespace || own;
    return [{
      streamNamespace: ns, stream: name.slice(0, colon), tag: name.slice(colon + 1),
      source: ns === own ? name : `${ns}/${name}`, fieldPath: t.fieldPath, paused: t.paused === true,
    }];
  });
}

interface Container { name: string; image?: string }

const fieldPathShape = /^(spec\.template\.spec|spec\.jobTemplate\.spec\.template\.spec)\.(containers|initContainers)\[(?:(\d+)|\?\(@\.name=="([^"]*)"\))\]\.image$/;

/** The container a fieldPath names, within the kind's own pod template (OpenShift ignores the rest). */
export function locateContainer(obj: KubernetesObject, fieldPath: string): Container | undefined {
  const m = fieldPathShape.exec(fieldPath);
  if (!m) return undefined;
  const isCron = obj.kind === 'CronJob';
  if ((m[1] === 'spec.jobTemplate.spec.template.spec') !== isCron) return undefined;
  const spec = (isCron
    ? (obj as { spec?: { jobTemplate?: { spec?: { template?: { spec?: PodSpec } } } } }).spec?.jobTemplate?.spec?.template?.spec
    : (obj as { spec?: { template?: { spec?: PodSpec } } }).spec?.template?.spec);
  if (!spec) return undefined;
  const list = m[2] === 'initContainers' ? spec.initContainers ?? [] : spec.containers ?? [];
  if (m[3] !== undefined) return list[Number(m[3])];
  const byName = (c: Container): boolean => c.name === m[4];
  return list.find(byName) ?? (spec.initContainers ?? []).find(byName);
}

interface PodSpec { containers?: Container[]; initContainers?: Container[] }

interface StreamTagStatus { tag: string; items?: Array<{ dockerImageReference?: string; image?: string }> }
export interface StreamLike extends KubernetesObject {
  spec?: { tags?: Array<{ name: string; referencePolicy?: { type?: string } }> };
  status?: { dockerImageRepository?: string; tags?: StreamTagStatus[] };
}

function pullSpecs(stream: StreamLike, tag: string): string[] {
  const local = stream.spec?.tags?.find((t) => t.name === tag)?.referencePolicy?.type === 'Local';
  const repo = stream.status?.dockerImageRepository;
  const items = stream.status?.tags?.find((t) => t.tag === tag)?.items ?? [];
  return items.flatMap((item) => {
    if (local && repo && item.image) return [`${repo}@${item.image}`];
    return item.dockerImageReference ? [item.dockerImageReference] : [];
  });
}

/** DESIGN 3.2: the tag's current item, or undefined when it has none. */
export function resolveTagImage(stream: StreamLike, tag: string): string | undefined {
  return pullSpecs(stream, tag)[0];
}

/** Every image the tag has pointed to, newest first. */
export function tagHistory(stream: StreamLike, tag: string): string[] {
  return pullSpecs(stream, tag);
}
