// The seeded corpus of `set triggers --local` cases that OpenShift's own `oc` answered
// (scripts/peer/oc.mjs records them; oc-set-triggers.test.ts replays them against istream). Both
// sides regenerate the inputs from the seed, so the committed vectors hold only the answers and a
// hash of each input: a change here that alters any input fails the replay instead of comparing
// istream's answer to another input's.
import { createHash } from 'node:crypto';
import { parse, stringify } from 'yaml';

/** Namespace of the kubeconfig context both tools run with. */
export const CONTEXT_NAMESPACE = 'peer';

export interface OcCase {
  /** The manifest file given with -f (one or two YAML documents). */
  file: string;
  /** The arguments after `set triggers --local -f FILE` (oc) or `set-triggers --local -f FILE` (istream). */
  args: string[];
}

/** mulberry32: small, seedable, and the same in every JavaScript engine. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Pick {
  <T>(items: readonly T[]): T;
  chance(p: number): boolean;
  int(n: number): number;
}

function picker(seed: number): Pick {
  const next = random(seed);
  const pick = (<T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T) as Pick;
  pick.chance = (p) => next() < p;
  pick.int = (n) => Math.floor(next() * n);
  return pick;
}

const KINDS = [
  { kind: 'Deployment', apiVersion: 'apps/v1', spec: ['spec', 'template', 'spec'] },
  { kind: 'StatefulSet', apiVersion: 'apps/v1', spec: ['spec', 'template', 'spec'] },
  { kind: 'DaemonSet', apiVersion: 'apps/v1', spec: ['spec', 'template', 'spec'] },
  { kind: 'CronJob', apiVersion: 'batch/v1', spec: ['spec', 'jobTemplate', 'spec', 'template', 'spec'] },
] as const;
// Kinds with a pod template that neither tool triggers.
const UNSUPPORTED = [
  { kind: 'Job', apiVersion: 'batch/v1', spec: ['spec', 'template', 'spec'] },
  { kind: 'ReplicaSet', apiVersion: 'apps/v1', spec: ['spec', 'template', 'spec'] },
] as const;
type KindRow = (typeof KINDS)[number] | (typeof UNSUPPORTED)[number];

const CONTAINERS = ['app', 'web', 'sidecar', 'worker'];
const INIT_CONTAINERS = ['init', 'setup'];
const STREAMS = ['ruby:3.2', 'nginx:latest', 'base:1', 'tools:stable'];

function subset(pick: Pick, items: readonly string[], min: number, max: number): string[] {
  const n = min + pick.int(max - min + 1);
  const pool = [...items];
  const out: string[] = [];
  while (out.length < n && pool.length > 0) out.push(pool.splice(pick.int(pool.length), 1)[0] as string);
  return out;
}

interface Workload {
  row: KindRow;
  name: string;
  namespace?: string;
  containers: string[];
  init: string[];
}

/** A fieldPath for one of the workload's containers, in the forms people and tools write. */
function fieldPath(pick: Pick, w: Workload): string {
  const base = w.row.spec.join('.');
  const name = pick([...w.containers, ...w.init, 'missing']);
  const roll = pick.int(14);
  if (roll < 6) return `${base}.containers[?(@.name=="${name}")].image`;
  if (roll < 8) return `${base}.initContainers[?(@.name=="${pick([...w.init, 'setup'])}")].image`;
  if (roll < 10) return `${base}.containers[${pick.int(w.containers.length + 1)}].image`;
  if (roll === 10) return `${base}.initContainers[${pick.int(2)}].image`;
  if (roll === 11) return `${base}.containers[?(@.name=="${name}")].${pick(['name', 'command', 'image.x'])}`;
  if (roll === 12) return pick([`spec.containers[?(@.name=="${name}")].image`, `${base}.volumes[0].image`, '']);
  // Selectors library-go accepts by their prefix or suffix alone, and one it does not.
  return `${base}.containers[${pick([`?(@.name=="${name}"`, `@.name=="${name}")`, `?(@.name=='${name}')`])}].image`;
}

function triggerEntry(pick: Pick, w: Workload): Record<string, unknown> {
  const from: Record<string, unknown> = {
    kind: pick(['ImageStreamTag', 'ImageStreamTag', 'ImageStreamTag', 'DockerImage', 'ImageStreamImage', '']),
    name: pick([...STREAMS, '']),
  };
  if (from.kind === '') delete from.kind;
  if (pick.chance(0.2)) from.namespace = pick([CONTEXT_NAMESPACE, 'shared', w.namespace ?? 'other']);
  if (pick.chance(0.08)) from.apiVersion = pick(['image.openshift.io/v1', 'v1']);
  const entry: Record<string, unknown> = { from, fieldPath: fieldPath(pick, w) };
  if (pick.chance(0.3)) entry.paused = pick([true, false]);
  return entry;
}

/** The image.openshift.io/triggers value a workload starts with, valid or broken. */
function existingAnnotation(pick: Pick, w: Workload): string | undefined {
  const roll = pick.int(20);
  if (roll < 7) return undefined;
  if (roll < 16) {
    const entries = Array.from({ length: 1 + pick.int(3) }, () => triggerEntry(pick, w));
    if (pick.chance(0.1) && entries[0]) entries.push(structuredClone(entries[0]));
    return JSON.stringify(entries);
  }
  return pick([
    '[]',
    'null',
    '',
    '{}',
    '[{',
    'not json',
    '[{"from":{"kind":"ImageStreamTag","name":"ruby:3.2"},"fieldPath":"spec.template.spec.containers[0].image","paused":"yes"}]',
    '[{"From":{"Kind":"ImageStreamTag","Name":"ruby:3.2"},"FieldPath":"spec.template.spec.containers[0].image"}]',
    '[{"from":{"kind":"ImageStreamTag","name":"ruby:3.2"},"fieldPath":"spec.template.spec.containers[0].image","extra":1}]',
    '[1]',
  ]);
}

function workload(pick: Pick, index: number, supportedOnly: boolean): Workload {
  const row = !supportedOnly && pick.chance(0.04) ? pick(UNSUPPORTED) : pick(KINDS);
  const containers = subset(pick, CONTAINERS, 1, 3);
  const init = pick.chance(0.35) ? subset(pick, INIT_CONTAINERS, 1, 2) : [];
  const namespace = pick([undefined, undefined, undefined, CONTEXT_NAMESPACE, 'other']);
  return { row, name: `w${index}`, ...(namespace ? { namespace } : {}), containers, init };
}

function manifest(pick: Pick, w: Workload): Record<string, unknown> {
  const podSpec: Record<string, unknown> = {
    containers: w.containers.map((name) => ({ name, image: `registry.example/${name}:1` })),
  };
  if (w.init.length > 0) podSpec.initContainers = w.init.map((name) => ({ name, image: 'busybox' }));
  const template = { metadata: { labels: { app: w.name } }, spec: podSpec };
  let spec: Record<string, unknown>;
  if (w.row.kind === 'CronJob') spec = { schedule: '*/5 * * * *', jobTemplate: { spec: { template } } };
  else if (w.row.kind === 'Job') spec = { template };
  else spec = { selector: { matchLabels: { app: w.name } }, template };
  if (w.row.kind === 'Deployment') {
    const paused = pick([undefined, undefined, true, false]);
    if (paused !== undefined) spec = { paused, ...spec };
  }
  const metadata: Record<string, unknown> = { name: w.name };
  if (w.namespace) metadata.namespace = w.namespace;
  const annotation = existingAnnotation(pick, w);
  if (annotation !== undefined || pick.chance(0.1)) {
    metadata.annotations = {
      ...(pick.chance(0.3) ? { 'example.com/owner': 'team-a' } : {}),
      ...(annotation !== undefined ? { 'image.openshift.io/triggers': annotation } : {}),
    };
  }
  return { apiVersion: w.row.apiVersion, kind: w.row.kind, metadata, spec };
}

function fromImage(pick: Pick): string {
  const roll = pick.int(20);
  if (roll < 14) return pick(STREAMS);
  if (roll < 17) return `${pick(['shared', CONTEXT_NAMESPACE])}/${pick(STREAMS)}`;
  return pick(['ruby', 'quay.io/team/app:1', 'ruby@sha256:' + 'a'.repeat(64), 'Ruby:3', 'a/b/c:1', 'ruby:', ':1']);
}

function containerFlag(pick: Pick, ws: Workload[]): string[] {
  const w = ws[0] as Workload;
  const roll = pick.int(12);
  if (roll < 2) return [];
  const names =
    roll < 7
      ? subset(pick, w.containers, 1, 2)
      : roll < 9
        ? subset(pick, [...w.containers, ...w.init], 1, 3)
        : roll < 10
          ? [pick(w.containers), 'missing']
          : roll < 11
            ? [pick(w.init.length ? w.init : ['setup'])]
            : [pick(w.containers), pick(w.containers)];
  return [pick(['-c', '--containers']), names.join(',')];
}

/** The change flags: the valid combinations most often, and the ones oc refuses. */
function flags(pick: Pick, ws: Workload[]): string[] {
  const roll = pick.int(40);
  const mode = (): string[] => pick([[], [], ['--auto'], ['--manual']]);
  if (roll < 3) return [];
  if (roll < 5) return ['--auto'];
  if (roll < 7) return ['--manual'];
  if (roll < 9) return ['--remove-all'];
  if (roll < 12) return ['--from-config', ...mode()];
  if (roll < 13) return ['--from-config', '--remove'];
  if (roll < 28) return ['--from-image', fromImage(pick), ...containerFlag(pick, ws), ...mode()];
  if (roll < 32) return ['--from-image', fromImage(pick), '--remove', ...(pick.chance(0.3) ? ['-c', 'app'] : [])];
  return pick([
    ['--auto', '--manual'],
    ['--remove', '--remove-all'],
    ['--remove-all', '--from-config'],
    ['--remove-all', '--auto'],
    ['--remove'],
    ['--from-config', '--from-image', 'ruby:3.2', '-c', 'app'],
    ['--from-image', 'ruby:3.2', '--from-image', 'base:1', '-c', 'app'],
    ['-c', 'app'],
  ]);
}

/** Case `index` of the corpus with this seed: the same input on every machine and every run. */
export function ocCase(seed: number, index: number): OcCase {
  const pick = picker((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const first = workload(pick, index, false);
  const ws = pick.chance(0.12) ? [first, workload(pick, index + 100000, true)] : [first];
  const file = ws.map((w) => stringify(manifest(pick, w))).join('---\n');
  const args = flags(pick, ws);
  const output = pick([['-o', 'json'], ['-o', 'yaml'], ['-o', 'json'], ['-o', 'yaml'], []]);
  const namespace = pick.chance(0.08) ? ['-n', pick([CONTEXT_NAMESPACE, 'other', 'third'])] : [];
  return { file, args: [...args, ...output, ...namespace] };
}

/** What the vectors store of an input, to notice a generator that no longer makes the same one. */
export function inputHash(c: OcCase): string {
  return createHash('sha256').update(c.file).update('\0').update(c.args.join('\0')).digest('hex').slice(0, 12);
}

/** A kubeconfig for CONTEXT_NAMESPACE on a server nothing listens on: --local must not need it. */
export function offlineKubeconfig(): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'peer',
    clusters: [{ name: 'peer', cluster: { server: 'https://127.0.0.1:1' } }],
    users: [{ name: 'peer', user: { token: 'peer' } }],
    contexts: [{ name: 'peer', context: { cluster: 'peer', user: 'peer', namespace: CONTEXT_NAMESPACE } }],
  });
}

/**
 * Whether a case also runs against a cluster: one object of a kind both tools trigger, in no
 * namespace of its own and with no -n, so it can be created in any fresh namespace.
 */
export function liveCase(c: OcCase): boolean {
  return (
    !c.file.includes('\n---') &&
    !/^ {2}namespace:/m.test(c.file) &&
    /^kind: (Deployment|StatefulSet|DaemonSet|CronJob)$/m.test(c.file) &&
    !c.args.includes('-n')
  );
}

/**
 * The manifest a cluster case creates: the API server requires a Job template's restartPolicy,
 * which the offline cases leave out (neither tool reads it).
 */
export function liveManifest(c: OcCase): string {
  const object = parse(c.file) as { kind: string; spec: { jobTemplate?: { spec: { template: { spec: object } } } } };
  const pod = object.spec.jobTemplate?.spec.template.spec;
  if (pod) Object.assign(pod, { restartPolicy: 'OnFailure' });
  return stringify(object);
}
