// OpenShift's trigger controller as recorded by `npm run peer -- record controller`, and the
// comparison of istream's pod templates with it. Every difference must be one of the deliberate
// ones below (README "Differences from oc"), and each of those must show up as exactly the
// template it predicts: a rule that no longer differs from OpenShift fails the replay too.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  createdTemplates,
  type Container,
  type PhaseSnapshot,
  type PodTemplate,
  type TriggerVectors,
} from './trigger-scenario.js';

export const vectorsPath = fileURLToPath(
  new URL('../../../../core/test/fixtures/peer/trigger-controller.json', import.meta.url),
);

export function loadVectors(): TriggerVectors {
  return JSON.parse(readFileSync(vectorsPath, 'utf8')) as TriggerVectors;
}

/** The image each container had when the scenario created its workload, by `workload/container`. */
function createdImages(vectors: TriggerVectors): Map<string, string> {
  const images = new Map<string, string>();
  for (const [name, template] of Object.entries(createdTemplates(vectors.scenario)))
    for (const [container, image] of containers(template)) images.set(`${name}/${container}`, image);
  return images;
}

interface Context {
  vectors: TriggerVectors;
  phase: PhaseSnapshot;
  created: Map<string, string>;
  key: string;
}

export interface DeliberateDifference {
  /** The README "Differences from oc" entry that names it. */
  readme: string;
  /** The containers (`workload/container`) it concerns. */
  covers: (key: string) => boolean;
  /** The image istream leaves there, given OpenShift's. */
  istream: (openshift: string, ctx: Context) => string;
}

const KINDS = ['deploy', 'sts', 'ds', 'cj'];
const everyKind = (cases: string[], containers: string[]) =>
  new Set(KINDS.flatMap((k) => cases.flatMap((c) => containers.map((n) => `${k}-${c}/${n}`))));

const wrongKind = new Set([
  ...everyKind(['wrong-kind'], ['web', 'side']),
  'deploy-wrong-kind-with-valid/web',
  'deploy-kind-lowercase/web',
]);
const denied = new Set([...everyKind(['denied'], ['web']), 'deploy-denied-with-own/web']);
const localWithoutRepository = everyKind(['local'], ['web']);

/** `HOST/NS/STREAM@DIGEST` back to the stream item with that digest. */
function sourceOfLocal(openshift: string, ctx: Context): string {
  const match = /^[^/]+\/([^/]+)\/([^@]+)@(.+)$/.exec(openshift);
  if (!match) return openshift;
  const [, namespace, stream, digest] = match;
  const items = Object.values(ctx.phase.streams[`${namespace}/${stream}`]?.tags ?? {}).flat();
  return items.find(([, image]) => image === digest)?.[0] ?? openshift;
}

export const deliberateDifferences: Record<string, DeliberateDifference> = {
  'wrong-kind': {
    readme: 'Triggers whose `from.kind` is not `ImageStreamTag` (or that set `from.apiVersion`) never fire',
    covers: (key) => wrongKind.has(key),
    istream: (_openshift, ctx) => ctx.created.get(ctx.key) ?? '',
  },
  'cross-namespace-access': {
    readme:
      "A trigger on a stream of another namespace fires only where the workload's service accounts may `get imagestreams/layers` there",
    covers: (key) => denied.has(key),
    istream: (_openshift, ctx) => ctx.created.get(ctx.key) ?? '',
  },
  'local-without-repository': {
    readme:
      "`referencePolicy: Local` on a stream without `status.dockerImageRepository` resolves to the item's own `dockerImageReference`",
    covers: (key) => localWithoutRepository.has(key),
    istream: sourceOfLocal,
  },
};

export interface Comparison {
  /** `phase workload/container: openshift X, istream Y` for every difference no rule explains. */
  unexplained: string[];
  /** How many containers each deliberate difference made differ from OpenShift. */
  named: Record<string, number>;
}

function containers(t: PodTemplate | undefined): Container[] {
  return [...(t?.c ?? []), ...(t?.i ?? [])];
}

/** Compares istream's snapshot of phase `index` with OpenShift's recording, container by container. */
export function compare(vectors: TriggerVectors, index: number, istream: PhaseSnapshot, into: Comparison): void {
  const openshift = vectors.phases[index]!;
  const created = createdImages(vectors);
  const names = new Set([...Object.keys(openshift.workloads), ...Object.keys(istream.workloads)]);
  for (const name of [...names].sort()) {
    const theirs = new Map(containers(openshift.workloads[name]));
    const ours = new Map(containers(istream.workloads[name]));
    if (theirs.size !== ours.size || [...theirs.keys()].some((c) => !ours.has(c))) {
      into.unexplained.push(`${openshift.name} ${name}: containers ${[...theirs.keys()]} vs ${[...ours.keys()]}`);
      continue;
    }
    for (const [container, image] of theirs) {
      const key = `${name}/${container}`;
      const rule = Object.entries(deliberateDifferences).find(([, d]) => d.covers(key));
      const expected = rule ? rule[1].istream(image, { vectors, phase: openshift, created, key }) : image;
      const actual = ours.get(container);
      if (actual !== expected) {
        into.unexplained.push(
          `${openshift.name} ${key}: OpenShift ${JSON.stringify(image)}, istream ${JSON.stringify(actual)}` +
            (rule ? ` (rule ${rule[0]} expected ${JSON.stringify(expected)})` : ''),
        );
      } else if (rule && expected !== image) {
        into.named[rule[0]] = (into.named[rule[0]] ?? 0) + 1;
      }
    }
  }
}

const readmePath = fileURLToPath(new URL('../../../../../README.md', import.meta.url));

/**
 * What both replays conclude with: no difference outside the deliberate ones, each deliberate one
 * still seen, and each listed in README "Differences from oc".
 */
export function assertOnlyDeliberateDifferences(result: Comparison): void {
  assert.deepEqual(result.unexplained, [], 'differences from OpenShift that no deliberate difference explains');
  const differences = /## Differences from oc\n([\s\S]*?)\n## /.exec(readFileSync(readmePath, 'utf8'))?.[1] ?? '';
  const flat = (text: string) => text.replace(/\s+/g, ' ');
  for (const [name, d] of Object.entries(deliberateDifferences)) {
    assert.ok((result.named[name] ?? 0) > 0, `deliberate difference ${name} no longer differs from OpenShift`);
    assert.ok(flat(differences).includes(flat(d.readme)), `README "Differences from oc" does not list ${name}`);
  }
}
