// Replays `oc describe is` and `oc get is -o yaml` as OpenShift's oc printed them for streams
// istream wrote on the sandbox (scripts/peer/oc.mjs): istream's printers, given the same stored
// objects, must print the same bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ImageStream } from '@istream/core/imagestream';
import { describeImageStream } from '../../src/printers/describe-stream.js';
import { formatObjects } from '../../src/printers/objects.js';
import { readVectors } from './oc-vectors.js';

interface Printed {
  code: number;
  out: string;
  err: string;
}

interface StreamVector {
  name: string;
  /** The stream as the API server returned it (registry and namespace anonymised). */
  stored: ImageStream & { metadata: { name: string } };
  /** When oc describe ran: its ages are relative to a moment in between. */
  describe: Printed & { before: string; after: string };
  yaml: Printed;
}

const vectors = readVectors<{ oc: string; streams: StreamVector[] }>('oc-imagestreams.json.gz');

test('the recorded streams cover imports, moved tags, a rollback, reference, alias and failed tags', () => {
  const app = vectors.streams.find((s) => s.name === 'app')?.stored;
  const specTags = new Map((app?.spec?.tags ?? []).map((t) => [t.name, t]));
  assert.equal(specTags.get('ref')?.reference, true);
  assert.equal(specTags.get('alias')?.from?.kind, 'ImageStreamTag');
  const status = new Map((app?.status?.tags ?? []).map((t) => [t.tag, t]));
  assert.ok((status.get('1')?.items?.length ?? 0) >= 2, 'tag 1 has history');
  assert.ok((status.get('broken')?.conditions?.length ?? 0) > 0, 'the broken tag has a failed import');
});

/**
 * Deliberate (README "Differences from oc"): a tag pinned by `kubectl istream rollback` is described
 * as pinned, with the command that resumes it, where oc says `tagged from` the pinned image.
 */
function pinnedAsOc(described: string): string {
  return described.replace(
    /^ {2}pinned to (\S+) by a rollback; triggered workloads stay on it\n {4}kubectl istream rollback --resume .*\n/gm,
    '  tagged from $1\n',
  );
}

/**
 * Deliberate (README "Differences from oc"): istream does not fold long strings at 80 columns as
 * oc's YAML printer does. True when joining oc's folded lines gives istream's lines.
 */
function sameUnfolded(oc: string, mine: string): boolean {
  const folded = oc.split('\n');
  let i = 0;
  for (const line of mine.split('\n')) {
    let joined = folded[i++] ?? '';
    while (joined !== line && line.startsWith(`${joined} `) && i < folded.length)
      joined = `${joined} ${(folded[i++] ?? '').trimStart()}`;
    if (joined !== line) return false;
  }
  return i === folded.length;
}

for (const stream of vectors.streams) {
  test(`describe is ${stream.name} prints what oc describe is printed`, () => {
    assert.equal(stream.describe.code, 0, stream.describe.err);
    const atStart = describeImageStream(stream.stored, new Date(stream.describe.before));
    const atEnd = describeImageStream(stream.stored, new Date(stream.describe.after));
    // oc read its clock somewhere between the two; an age can tick over in between.
    const mine = stream.describe.out === pinnedAsOc(atEnd) ? atEnd : atStart;
    assert.equal(pinnedAsOc(mine), stream.describe.out);
  });

  test(`get is ${stream.name} -o yaml prints what oc get is -o yaml printed`, () => {
    assert.equal(stream.yaml.code, 0, stream.yaml.err);
    const mine = formatObjects([stream.stored], 'yaml', 'imagestream.image.openshift.io', false);
    assert.ok(sameUnfolded(stream.yaml.out, mine), `oc:\n${stream.yaml.out}\nistream:\n${mine}`);
  });
}
