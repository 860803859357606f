// The trigger-controller scenario on a real cluster, for both sides of the comparison: the
// recorder (scripts/peer/controller.mjs, which imports this file's build) runs OpenShift's
// controller on it, the replay runs istream's. Same objects, same phases, same snapshot, so a
// difference in the snapshots is a difference of the controllers.
import { kubectlOk, type Kubectl } from '@istream/test-harness/cluster/kubectl';

/** The placeholders the scenario is written with, and the namespaces they stand for in a run. */
export interface ScenarioNamespaces {
  ns: string;
  other: string;
  denied: string;
}

export interface StreamInput {
  object: { metadata: { name: string; namespace: string } } & Record<string, unknown>;
  status: Record<string, unknown>;
}

export interface ScenarioPhase {
  name: string;
  /** Whole statuses written as an import of new images leaves them. */
  statuses?: Array<{ namespace: string; name: string; status: Record<string, unknown> }>;
  /** `kubectl istream rollback TAG -n NAMESPACE`, in order. */
  rollbacks?: Array<{ namespace: string; tag: string }>;
}

export interface TriggerScenario {
  namespaces: ScenarioNamespaces;
  rbac: object[];
  streams: StreamInput[];
  workloads: KubeItem[];
  phases: ScenarioPhase[];
}

/** A container as [name, image]. */
export type Container = [string, string];

export interface PodTemplate {
  c: Container[];
  i?: Container[];
}

/** A stream as triggers read it: spec tags, the status repository, each tag's items [reference, image]. */
export interface StreamState {
  spec: Array<{ name: string; from?: { kind: string; name: string; namespace?: string }; referencePolicy?: string }>;
  repository: string;
  tags: Record<string, Array<[string, string]>>;
}

/** What one phase left: every workload's pod template, what else changed on it, the Events. */
export interface PhaseSnapshot {
  workloads: Record<string, PodTemplate>;
  /** Annotations that neither the scenario nor Kubernetes' own controllers wrote, by workload. */
  annotations: Record<string, Record<string, string>>;
  /** `Kind/name Type Reason` of each Event not from a Kubernetes controller, sorted, once each. */
  events: string[];
  streams: Record<string, StreamState>;
}

export interface RecordedPhase extends PhaseSnapshot {
  name: string;
}

export interface TriggerVectors {
  peer: Record<string, string>;
  scenario: TriggerScenario;
  phases: RecordedPhase[];
}

const WORKLOAD_RESOURCES = 'deployments,statefulsets,daemonsets,cronjobs,jobs';
const TRIGGER_ANNOTATION = 'image.openshift.io/triggers';
/** What the API server and Kubernetes' controllers write on workloads themselves. */
const KUBERNETES_ANNOTATION = /kubernetes\.io\/|^deprecated\.daemonset\.template\.generation$/;
const KUBERNETES_COMPONENTS = new Set([
  'deployment-controller',
  'statefulset-controller',
  'daemonset-controller',
  'daemonset-controller-manager',
  'cronjob-controller',
  'job-controller',
  'replicaset-controller',
  'default-scheduler',
]);

function pairs(value: ScenarioNamespaces, placeholders: ScenarioNamespaces): Array<[string, string]> {
  return (Object.keys(placeholders) as Array<keyof ScenarioNamespaces>).map((k) => [placeholders[k], value[k]]);
}

function replaceAll<T>(value: T, pairsToReplace: Array<[string, string]>): T {
  // Longest first, so a name that contains another is replaced whole.
  const ordered = [...pairsToReplace].sort((a, b) => b[0].length - a[0].length);
  let text = JSON.stringify(value);
  for (const [from, to] of ordered) text = text.split(from).join(to);
  return JSON.parse(text) as T;
}

/** The scenario's placeholders replaced by this run's namespaces. */
export function substitute<T>(value: T, scenario: TriggerScenario, names: ScenarioNamespaces): T {
  return replaceAll(value, pairs(names, scenario.namespaces));
}

/** This run's namespaces replaced by the scenario's placeholders. */
export function normalise<T>(value: T, scenario: TriggerScenario, names: ScenarioNamespaces): T {
  return replaceAll(
    value,
    pairs(names, scenario.namespaces).map(([p, n]) => [n, p]),
  );
}

async function create(kubectl: Kubectl, items: object[]): Promise<void> {
  await kubectlOk(kubectl, ['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items }) });
}

async function writeStatus(
  kubectl: Kubectl,
  namespace: string,
  name: string,
  status: Record<string, unknown>,
): Promise<void> {
  await kubectlOk(
    kubectl,
    ['patch', 'imagestream', name, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status })],
    { namespace },
  );
}

/** Creates the access rules, the streams with their statuses, then the workloads. */
export async function createScenario(
  kubectl: Kubectl,
  scenario: TriggerScenario,
  names: ScenarioNamespaces,
): Promise<void> {
  const real = substitute(scenario, scenario, names);
  await create(kubectl, real.rbac);
  await create(
    kubectl,
    real.streams.map((s) => s.object),
  );
  for (const s of real.streams)
    await writeStatus(kubectl, s.object.metadata.namespace, s.object.metadata.name, s.status);
  await create(kubectl, real.workloads);
}

/** Runs a phase's writes: statuses first, then rollbacks through `rollback(namespace, tag)`. */
export async function runPhase(
  kubectl: Kubectl,
  scenario: TriggerScenario,
  phase: ScenarioPhase,
  names: ScenarioNamespaces,
  rollback: (namespace: string, tag: string) => Promise<void>,
): Promise<void> {
  const real = substitute(phase, scenario, names);
  for (const s of real.statuses ?? []) await writeStatus(kubectl, s.namespace, s.name, s.status);
  for (const r of real.rollbacks ?? []) await rollback(r.namespace, r.tag);
}

export interface KubeItem {
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  spec: Record<string, unknown>;
}

interface PodSpec {
  containers?: Array<{ name: string; image?: string }>;
  initContainers?: Array<{ name: string; image?: string }>;
}

function podSpecOf(item: KubeItem): PodSpec {
  const spec = item.spec as {
    template?: { spec: PodSpec };
    jobTemplate?: { spec: { template: { spec: PodSpec } } };
  };
  return (item.kind === 'CronJob' ? spec.jobTemplate?.spec.template.spec : spec.template?.spec) ?? {};
}

/** The containers of a workload's pod template (a CronJob's is under its jobTemplate). */
export function podTemplate(item: KubeItem): PodTemplate {
  const spec = podSpecOf(item);
  const list = (cs?: Array<{ name: string; image?: string }>): Container[] =>
    (cs ?? []).map((c) => [c.name, c.image ?? '']);
  const init = list(spec.initContainers);
  return { c: list(spec.containers), ...(init.length ? { i: init } : {}) };
}

/** Every workload's pod template as the scenario creates it, by name (sorted, as snapshots are). */
export function createdTemplates(scenario: TriggerScenario): Record<string, PodTemplate> {
  const names = scenario.workloads.map((w) => w.metadata.name).sort();
  const byName = new Map(scenario.workloads.map((w) => [w.metadata.name, w]));
  return Object.fromEntries(names.map((n) => [n, podTemplate(byName.get(n)!)]));
}

async function listJson<T>(kubectl: Kubectl, resource: string, namespace: string): Promise<T[]> {
  return (JSON.parse(await kubectlOk(kubectl, ['get', resource, '-o', 'json'], { namespace })) as { items: T[] }).items;
}

interface StreamItem {
  metadata: { name: string; namespace: string };
  spec?: {
    tags?: Array<{
      name: string;
      from?: { kind: string; name: string; namespace?: string };
      referencePolicy?: { type?: string };
    }>;
  };
  status?: {
    dockerImageRepository?: string;
    tags?: Array<{ tag: string; items?: Array<{ dockerImageReference: string; image: string }> | null }>;
  };
}

function streamState(stream: StreamItem): StreamState {
  return {
    spec: (stream.spec?.tags ?? []).map((t) => ({
      name: t.name,
      ...(t.from ? { from: t.from } : {}),
      ...(t.referencePolicy?.type ? { referencePolicy: t.referencePolicy.type } : {}),
    })),
    repository: stream.status?.dockerImageRepository ?? '',
    tags: Object.fromEntries(
      (stream.status?.tags ?? []).map((t) => [
        t.tag,
        (t.items ?? []).map((i): [string, string] => [i.dockerImageReference, i.image]),
      ]),
    ),
  };
}

/** What the cluster shows now, in the scenario's placeholders. */
export async function snapshot(
  kubectl: Kubectl,
  scenario: TriggerScenario,
  names: ScenarioNamespaces,
): Promise<PhaseSnapshot> {
  const written = new Map(
    scenario.workloads.map((w) => [w.metadata.name, new Set(Object.keys(w.metadata.annotations ?? {}))]),
  );
  const items = await listJson<KubeItem>(kubectl, WORKLOAD_RESOURCES, names.ns);
  const workloads: PhaseSnapshot['workloads'] = {};
  const annotations: PhaseSnapshot['annotations'] = {};
  for (const item of items.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1))) {
    const name = item.metadata.name;
    workloads[name] = podTemplate(item);
    const extra = Object.entries(item.metadata.annotations ?? {}).filter(
      ([k]) => k !== TRIGGER_ANNOTATION && !written.get(name)?.has(k) && !KUBERNETES_ANNOTATION.test(k),
    );
    if (extra.length) annotations[name] = Object.fromEntries(extra.sort(([a], [b]) => (a < b ? -1 : 1)));
  }
  const events = await listJson<{
    involvedObject: { kind: string; name: string };
    type: string;
    reason: string;
    source?: { component?: string };
    reportingComponent?: string;
  }>(kubectl, 'events', names.ns);
  const ours = events.filter((e) => !KUBERNETES_COMPONENTS.has(e.source?.component || e.reportingComponent || ''));
  const streams: PhaseSnapshot['streams'] = {};
  for (const namespace of [names.ns, names.other, names.denied]) {
    for (const s of await listJson<StreamItem>(kubectl, 'imagestreams', namespace))
      streams[`${namespace}/${s.metadata.name}`] = streamState(s);
  }
  const taken = normalise(
    {
      workloads,
      annotations,
      events: [
        ...new Set(ours.map((e) => `${e.involvedObject.kind}/${e.involvedObject.name} ${e.type} ${e.reason}`)),
      ].sort(),
      streams,
    },
    scenario,
    names,
  );
  // Sorted by the placeholder names, which do not change between runs.
  taken.streams = Object.fromEntries(Object.entries(taken.streams).sort(([a], [b]) => (a < b ? -1 : 1)));
  return taken;
}

/**
 * Snapshots until the workloads have not changed for `quietMs` and `done` holds (a controller
 * under load may not have started on the phase when the templates first look quiet). After
 * `timeoutMs` a quiet snapshot is returned as it is, so the caller reports what differs; one that
 * is still changing throws.
 */
export async function settledSnapshot(
  kubectl: Kubectl,
  scenario: TriggerScenario,
  names: ScenarioNamespaces,
  done: (snap: PhaseSnapshot) => boolean,
  options: { quietMs?: number; timeoutMs?: number } = {},
): Promise<PhaseSnapshot> {
  const quietMs = options.quietMs ?? 8000;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const deadline = Date.now() + timeoutMs;
  let last = await snapshot(kubectl, scenario, names);
  let since = Date.now();
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    const next = await snapshot(kubectl, scenario, names);
    if (JSON.stringify(next.workloads) !== JSON.stringify(last.workloads)) since = Date.now();
    last = next;
    const quiet = Date.now() - since >= quietMs;
    if (quiet && (done(last) || Date.now() > deadline)) return last;
    if (Date.now() > deadline) throw new Error(`the workloads were still changing after ${timeoutMs} ms`);
  }
}
