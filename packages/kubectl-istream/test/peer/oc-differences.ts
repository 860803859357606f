// The deliberate differences between istream's `set-triggers` and `oc set triggers`, each stated as
// the exact change it makes to oc's recorded answer, so the replay accepts that change and no
// other. Every one is listed in README "Differences from oc" under the phrase `readme`.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { TRIGGER_ANNOTATION, readTriggers, type WorkloadObject } from '@istream/core/triggers';
import type { Answer, PrintedObject } from './oc-answer.js';
import type { OcCase } from './oc-corpus.js';

export type Tally = Map<string, number>;

export interface ReplayContext {
  /** Against a cluster (no --local). */
  live?: boolean;
}

interface Deliberate {
  /** What the replay reports; also the phrase README's "Differences from oc" must contain. */
  readme: string;
  /** istream's answer as this difference predicts it from oc's, or undefined where it does not apply. */
  expect(oc: Answer, c: OcCase, mine: Answer, ctx: ReplayContext): Answer | undefined;
}

export const SAME = 'same as oc';

/** `deployments` for `Deployment`: how both tools name a workload in messages. */
const resourceOf = (kind: string) => `${kind.toLowerCase()}s`;

/** The output format asked for with -o, if any. */
function objectFormat(c: OcCase): string | undefined {
  const at = c.args.indexOf('-o');
  return at >= 0 ? c.args[at + 1] : undefined;
}

const listMode = (c: OcCase) =>
  !c.args.some((a) => ['--auto', '--manual', '--remove', '--remove-all', '--from-config', '--from-image'].includes(a));

const DROPPED = /^warning: [a-z]+\/\S+: dropping trigger \d+: .*\n/gm;

const DELIBERATE: Deliberate[] = [
  {
    // oc --local prints only the objects it changed; istream prints the whole file, so
    // `-o yaml > FILE` never loses an object that already had its trigger.
    readme: 'prints every object of the file',
    expect(oc, c) {
      if (oc.code !== 0 || !objectFormat(c) || listMode(c)) return undefined;
      const printed = new Map((oc.objects ?? []).map((o) => [o.id, o]));
      return { code: 0, err: oc.err, objects: inputObjects(c).map((o) => printed.get(o.id) ?? o) };
    },
  },
  {
    // oc drops triggers that name no container silently when it rewrites the annotation.
    readme: 'says on stderr which unusable triggers it drops',
    expect(oc, _c, mine) {
      const warnings = mine.err.match(DROPPED)?.join('') ?? '';
      return warnings ? { ...oc, err: warnings + oc.err } : undefined;
    },
  },
  {
    // oc --local has no REST mapping, so its message names `kind.group/NAME` and breaks the line.
    readme: 'names a workload in errors as `deployments/NAME` on one line',
    expect(oc) {
      const m = /^error: ([a-z]+)\.[a-z.]+\/(\S+)\n (.*)$/s.exec(oc.err);
      if (!m) return undefined;
      return { ...oc, err: `error: ${resourceOf(m[1] ?? '')}/${m[2] ?? ''} ${m[3] ?? ''}` };
    },
  },
  {
    // oc --local dereferences its missing REST mapping when it lists triggers, and when a single
    // object cannot be edited (a kind without triggers, an annotation it cannot read).
    readme: 'answers where `oc set triggers --local` crashes',
    expect(oc, c, mine) {
      if (oc.code !== 2 || !oc.err.startsWith(NIL_PANIC)) return undefined;
      const [first] = inputObjects(c);
      const [kind = '', name = ''] = (first?.id ?? '').split('/');
      if (listMode(c)) {
        const rows = mine.out?.split('\n') ?? [];
        const listed = inputObjects(c).every((o) => rows.some((r) => r.startsWith(`${idToResource(o.id)} `)));
        const warned = (mine.err.match(/^.*\n/gm) ?? []).every((l) => LIST_WARNING.test(l));
        return mine.code === 0 && rows[0]?.startsWith('NAME ') && listed && warned ? mine : undefined;
      }
      if (!KINDS.has(kind))
        return { code: 1, err: `error: ${resourceOf(kind)}/${name} does not support triggers\n`, out: '' };
      return undefined;
    },
  },
  {
    // An annotation OpenShift's controller cannot use (not JSON, wrong types, two triggers on one
    // fieldPath) is refused with the reason; oc skips such an object, or rewrites it.
    readme: 'refuses to edit an annotation it cannot read',
    expect(_oc, c, mine) {
      const m =
        /^(?:warning: .*\n)*error: ([a-z]+)\/(\S+): the image\.openshift\.io\/triggers annotation cannot be used: .*; fix it, or replace it with --remove-all\n$/.exec(
          mine.err,
        );
      const object = m && inputManifests(c).find((o) => resourceOf(o.kind) === m[1] && o.metadata.name === m[2]);
      const value = object?.metadata.annotations?.[TRIGGER_ANNOTATION];
      if (!object || value === undefined || readTriggers(value, object as WorkloadObject).accepted) return undefined;
      return { code: 1, err: mine.err, out: '' };
    },
  },
  {
    // --remove-all writes a fresh annotation over one that cannot be read; oc fails to read it first.
    readme: '`--remove-all` replaces an annotation it cannot read',
    expect(oc, c) {
      const unreadable = inputManifests(c).some((o) => {
        const value = o.metadata.annotations?.[TRIGGER_ANNOTATION];
        return KINDS.has(o.kind) && value !== undefined && !readTriggers(value, o as WorkloadObject).accepted;
      });
      if (!c.args.includes('--remove-all') || !unreadable) return undefined;
      if (!objectFormat(c)) {
        const names = inputManifests(c).filter((o) => KINDS.has(o.kind));
        return {
          code: 0,
          err: '',
          out: names.map((o) => `${qualified(o.kind)}/${o.metadata.name} triggers updated\n`).join(''),
        };
      }
      const cleared = inputManifests(c).map((o, i) => {
        const input = inputObjects(c)[i] as PrintedObject;
        return KINDS.has(o.kind) ? { ...input, a: 'null', p: o.kind === 'Deployment' ? true : input.p } : input;
      });
      return { code: 0, err: '', objects: cleared };
    },
  },
  {
    // Every edit is computed before anything is written or printed, so a refusal leaves the whole
    // file as it was; oc edits the objects it can and reports each one it cannot.
    readme: 'stops at the first object it cannot edit',
    expect(oc, c, mine) {
      if (oc.code !== 1 || inputObjects(c).length < 2) return undefined;
      // oc's errors, one per object: `error: kind.group/NAME\n MESSAGE` or a namespace mismatch.
      const blocks = [
        ...oc.err.matchAll(/^error: ([a-z]+)\.[a-z.]+\/(\S+)\n (.*)\n\n?|^(the namespace from .*)\n/gm),
      ].map((m) => (m[4] ? `error: ${m[4]}\n` : `error: ${resourceOf(m[1] ?? '')}/${m[2] ?? ''} ${m[3] ?? ''}\n`));
      const reported = mine.err.replace(DROPPED, '');
      const dropped = mine.err.slice(0, mine.err.length - reported.length);
      return blocks.includes(reported) ? { code: 1, err: dropped + reported, out: '' } : undefined;
    },
  },
  {
    // oc writes a trigger once per name in -c, so `-c web,web` makes two triggers on one fieldPath.
    readme: 'a container named twice in `-c` gets one trigger',
    expect(oc, c) {
      const flag = c.args.findIndex((a) => a === '-c' || a === '--containers');
      const names = flag >= 0 ? (c.args[flag + 1] ?? '').split(',') : [];
      if (names.length === new Set(names).size || !oc.objects) return undefined;
      const once = (a: string | null) =>
        a === null || a === 'null'
          ? a
          : JSON.stringify(
              [...new Set(JSON.parse(a).map((e: unknown) => JSON.stringify(e)))].map((e) => JSON.parse(e as string)),
            );
      return { ...oc, objects: oc.objects.map((o) => ({ ...o, a: once(o.a) })) };
    },
  },
  {
    // On a cluster: the stream or tag a new trigger follows is looked up, and a missing one named.
    readme: 'with a warning that says how to import it',
    expect(oc, _c, mine, ctx) {
      const missing = mine.err.match(MISSING_STREAM)?.join('') ?? '';
      if (!ctx.live || !missing) return undefined;
      const before = /^(?:warning: .*\n)*/.exec(oc.err)?.[0] ?? '';
      return { ...oc, err: before + missing + oc.err.slice(before.length) };
    },
  },
  {
    readme: 'and says on stderr that `-c` was ignored',
    expect(oc, c) {
      if (!c.args.includes('--remove') || !c.args.some((a) => a === '-c' || a === '--containers')) return undefined;
      const from = c.args[c.args.indexOf('--from-image') + 1];
      const warning =
        `warning: --containers is ignored with --remove, as by oc set triggers: every trigger ${c.args.includes('--from-image') ? `from ${from ?? ''} ` : ''}is removed, ` +
        'whichever container it updates; to stop updating one container only, pause its trigger with --from-image STREAM:TAG -c NAME --manual\n';
      const dropped = oc.err.match(DROPPED)?.join('') ?? '';
      return { ...oc, err: dropped + warning + oc.err.slice(dropped.length) };
    },
  },
  {
    // oc's reference parser says only "invalid reference format".
    readme: 'says why a `--from-image` value is not a reference',
    expect(oc, _c, mine) {
      const prefix = 'error: the value of --from-image does not appear to be a valid reference to an image: ';
      if (!oc.err.startsWith(prefix) || !mine.err.startsWith(prefix) || mine.err.split('\n').length !== 2)
        return undefined;
      return { ...oc, err: mine.err };
    },
  },
  {
    // oc reads `a/b/c:1` as stream `b/c` in namespace `a`, a name no stream can have.
    readme: 'refuses a `--from-image` with more than one `/`',
    expect(_oc, c) {
      const from = c.args[c.args.indexOf('--from-image') + 1] ?? '';
      if (!c.args.includes('--from-image') || from.split('/').length <= 2) return undefined;
      return {
        code: 1,
        err: 'error: the value of --from-image must point to an image stream tag on this server\n',
        out: '',
      };
    },
  },
  {
    // oc fails with "only one trigger may reference each container" when -c names a container
    // another stream triggers; istream gives the container the new stream.
    readme: "replaces that container's trigger",
    expect(oc, c, mine) {
      if (!/ only one trigger may reference each container: /.test(oc.err) || mine.code !== 0) return undefined;
      return triggersAsAsked(c, mine) ? mine : undefined;
    },
  },
  {
    // oc always wants -c with --from-image; istream takes the only container, as oc's help says.
    readme: 'takes the only container when `-c` is left out',
    expect(oc, c, mine) {
      if (
        oc.err.replace(/^error: \S+(?:\n | )you must specify --containers when setting --from-image\n\n?/gm, '') !==
          '' ||
        mine.code !== 0
      )
        return undefined;
      if (c.args.includes('-c') || c.args.includes('--containers')) return undefined;
      return triggersAsAsked(c, mine) ? mine : undefined;
    },
  },
];

const MISSING_STREAM =
  /^Warning: imagestream "[^"]+" (?:not found in namespace \S+|in namespace \S+ has no tag "[^"]+"); the trigger will fire once it is imported \(kubectl istream import-image .*\)\n/gm;
const NIL_PANIC = 'panic: runtime error: invalid memory address or nil pointer dereference\n';
const LIST_WARNING =
  /^warning: [a-z]+\/\S+: (the image\.openshift\.io\/triggers annotation cannot be used: .*|[a-z]+\/\S+ does not support triggers)\n$/;
const qualified = (kind: string) => `${kind.toLowerCase()}.${kind === 'CronJob' ? 'batch' : 'apps'}`;
const KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob']);
const idToResource = (id: string) => {
  const [kind = '', name = ''] = id.split('/');
  return `${resourceOf(kind)}/${name}`;
};

interface Manifest {
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  spec?: { paused?: unknown };
}

const inputManifests = (c: OcCase): Manifest[] => parseAllDocuments(c.file).map((d) => d.toJS() as Manifest);

/**
 * Whether istream's printed annotation gives every container the flags name (or the only
 * container) a trigger from the --from-image stream, paused as --manual asks, and no other trigger
 * on those containers.
 */
function triggersAsAsked(c: OcCase, mine: Answer): boolean {
  // Given twice, the last --from-image counts, for oc as for istream.
  const from = c.args[c.args.lastIndexOf('--from-image') + 1] ?? '';
  const flag = c.args.findIndex((a) => a === '-c' || a === '--containers');
  const manual = c.args.includes('--manual');
  // Without -o there is only the name of what changed to check.
  if (!mine.objects) return /^([a-z]+\.[a-z.]+\/\S+ triggers updated\n)+$/.test(mine.out ?? '');
  return mine.objects.some((o) => {
    if (o.a === null) return false;
    const entries = JSON.parse(o.a) as {
      from: { name: string; namespace?: string };
      fieldPath: string;
      paused?: boolean;
    }[];
    const names = flag >= 0 ? (c.args[flag + 1] ?? '').split(',') : undefined;
    const theirs = (n: string) => entries.filter((e) => e.fieldPath.includes(`[?(@.name=="${n}")]`));
    const wanted =
      names ?? entries.filter((e) => from.endsWith(e.from.name)).map((e) => /"(.*)"/.exec(e.fieldPath)?.[1] ?? '');
    return (
      wanted.length > 0 &&
      wanted.every((n) => {
        const mineFor = theirs(n);
        return (
          mineFor.length === 1 &&
          from.endsWith(mineFor[0]?.from.name ?? '\0') &&
          (mineFor[0]?.paused ?? false) === manual
        );
      })
    );
  });
}

function same(a: Answer, b: Answer): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The input's objects as they were, in the answer's terms. */
export function inputObjects(c: OcCase): PrintedObject[] {
  return parseAllDocuments(c.file).map((d) => {
    const o = d.toJS() as {
      kind: string;
      metadata: { name: string; annotations?: Record<string, string> };
      spec?: { paused?: unknown };
    };
    return {
      id: `${o.kind}/${o.metadata.name}`,
      a: o.metadata.annotations?.['image.openshift.io/triggers'] ?? null,
      p: o.spec?.paused === true,
    };
  });
}

/**
 * SAME when istream answered as oc did, the README phrase of the deliberate difference (or two)
 * that turns oc's answer into istream's, or undefined: an unexplained difference.
 */
export function explainDifference(oc: Answer, mine: Answer, c: OcCase, ctx: ReplayContext = {}): string | undefined {
  if (same(oc, mine)) return SAME;
  // Up to three differences can meet in one case (say, a dropped trigger, a missing stream and
  // the only container taken): each applied to what the ones before predicted, and the fewest
  // that explain it win.
  const search = (from: Answer, used: Deliberate[], depth: number): Deliberate[] | undefined => {
    for (const d of DELIBERATE) {
      if (used.includes(d)) continue;
      const expected = d.expect(from, c, mine, ctx);
      if (!expected) continue;
      const found =
        depth === 1 ? (same(expected, mine) ? [...used, d] : undefined) : search(expected, [...used, d], depth - 1);
      if (found) return found;
    }
    return undefined;
  };
  for (const depth of [1, 2, 3]) {
    const found = search(oc, [], depth);
    if (found) return found.map((d) => d.readme).join(' + ');
  }
  return undefined;
}

const README = new URL('../../../../../README.md', import.meta.url);

/** Each deliberate difference the replay met is one README "Differences from oc" names. */
export function assertListedInReadme(tally: Tally): void {
  const text = readFileSync(README, 'utf8');
  const section = text.slice(
    text.indexOf('## Differences from oc'),
    text.indexOf('\n## ', text.indexOf('## Differences from oc') + 1),
  );
  const flat = section.replace(/\s+/g, ' ');
  for (const verdict of tally.keys()) {
    if (verdict === SAME) continue;
    for (const phrase of verdict.split(' + '))
      assert.ok(flat.includes(phrase), `README "Differences from oc" does not list: ${phrase}`);
  }
}
