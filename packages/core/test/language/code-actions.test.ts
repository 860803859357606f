import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLanguageService, type ImageLookup } from '../../src/language/index.js';
import { applyEdits, positionOf, readFixture } from './helpers.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const lookup: ImageLookup = { describe: async () => ({ digest: DIGEST }) };
const service = createLanguageService({ imageLookup: lookup });

/** Applies the quick fix for `code` and returns the new text; fails when there is none. */
async function fix(text: string, code: string, title?: RegExp): Promise<string> {
  const diagnostics = service.validate(text).filter((d) => d.code === code);
  assert.ok(diagnostics.length > 0, `no ${code} in the text`);
  const [d] = diagnostics;
  const actions = await service.codeActions(text, d!.range, [d!]);
  const action = actions.find((a) => a.fixes.includes(code) && (!title || title.test(a.title)));
  assert.ok(action, `no fix for ${code}: ${actions.map((a) => a.title).join(', ')}`);
  return applyEdits(text, action.edits);
}

const codes = (text: string): string[] => service.validate(text).map((d) => d.code);

test('paused as a string becomes the boolean, in each YAML quoting style', async () => {
  const single = readFixture('paused-string.yaml');
  const fixed = await fix(single, 'paused-not-boolean');
  assert.ok(fixed.includes(`"paused":false}]'`));
  assert.deepEqual(codes(fixed), []);

  const escapes = readFixture('escapes.yaml');
  const once = await fix(escapes, 'paused-not-boolean');
  assert.ok(once.includes('\\"paused\\":true}]"'), 'inside a double-quoted scalar the fix has no quotes to escape');
  // "yes" is not a boolean spelling: no certain fix is offered for it.
  const [yes] = service.validate(once);
  assert.equal(yes?.code, 'paused-not-boolean');
  assert.deepEqual(await service.codeActions(once, yes!.range, [yes!]), []);
});

test("a CronJob path on a Deployment and the reverse get the kind's base path", async () => {
  const text = readFixture('fieldpath-wrong-kind.yaml');
  const fixed = await fix(text, 'field-path-outside-template');
  const again = await fix(fixed, 'field-path-outside-template');
  assert.deepEqual(codes(again), []);
  assert.ok(again.includes('"fieldPath":"spec.template.spec.containers[0].image"'));
  assert.ok(again.includes('"fieldPath":"spec.jobTemplate.spec.template.spec.containers[0].image"'));
});

test('single quotes and spaces in the filter, and a missing .image, are repaired; a missing ] is not guessed', async () => {
  const docs = readFixture('fieldpath-unparseable.yaml').split('---\n');
  const quotes = await fix(docs[0] as string, 'field-path-invalid');
  assert.ok(
    quotes.includes(`containers[?(@.name==\\"web\\")].image"}]'`),
    'written with JSON-escaped double quotes inside the single-quoted YAML',
  );
  assert.deepEqual(codes(quotes), []);
  // Spaces leave the ") suffix, so OpenShift reads a (missing) container name: a loose selector.
  assert.deepEqual(codes(await fix(docs[1] as string, 'field-path-loose-selector')), []);
  assert.deepEqual(codes(await fix(docs[3] as string, 'field-path-invalid')), []);
  const bracket = docs[2] as string;
  const [d] = service.validate(bracket);
  assert.deepEqual(
    (await service.codeActions(bracket, d!.range, [d!])).filter((a) => a.kind === 'quickfix'),
    [],
  );
});

test('a selector with only one end of ?(@.name=="NAME") is completed to the name OpenShift reads', async () => {
  for (const doc of readFixture('fieldpath-loose-selector.yaml').split('---\n')) {
    const fixed = await fix(doc, 'field-path-loose-selector');
    assert.ok(fixed.includes('containers[?(@.name==\\"web\\")].image"'), fixed);
    assert.deepEqual(codes(fixed), []);
  }
});

test('a fieldPath naming a missing container is regenerated for the one container there is', async () => {
  const text = readFixture('container-not-found.yaml');
  const [d] = service.validate(text);
  const actions = await service.codeActions(text, d!.range, [d!]);
  assert.deepEqual(
    actions.map((a) => [a.title, a.isPreferred]),
    [['Use container "web"', true]],
  );
  const fixed = applyEdits(text, actions[0]!.edits);
  assert.ok(
    fixed.includes('"fieldPath":"spec.template.spec.containers[?(@.name==\\"web\\")].image"},\n'),
    'stays valid inside the block scalar',
  );
});

test('"pause" is renamed to "paused" and from.apiVersion removed', async () => {
  assert.deepEqual(codes(await fix(readFixture('unknown-key.yaml'), 'unknown-key')), []);
  const removed = await fix(readFixture('from-apiversion.yaml'), 'from-api-version-set');
  assert.deepEqual(codes(removed), []);
  assert.ok(removed.includes(`'[{"from":{"kind":"ImageStreamTag","name":"web:latest"},`));
});

test('"Pin image to digest" appends the digest the lookup gives', async () => {
  const text = readFixture('paused-string.yaml');
  const at = positionOf(text, 'image: web:latest', 'image: w'.length);
  const actions = await service.codeActions(text, { start: at, end: at }, []);
  const pin = actions.find((a) => a.title.startsWith('Pin image to digest'));
  assert.ok(pin);
  assert.ok(applyEdits(text, pin.edits).includes(`image: web:latest@${DIGEST}\n`));
});

test('"Add image-stream trigger" creates the annotation as oc writes it, or appends to it', async () => {
  const bare = readFixture('paused-string.yaml').replace(/ {2}annotations:\n.*\n/, '');
  const at = positionOf(bare, 'image: web:latest', 8);
  const [add] = (await service.codeActions(bare, { start: at, end: at }, [])).filter((a) =>
    a.title.startsWith('Add image-stream trigger'),
  );
  assert.ok(add);
  const added = applyEdits(bare, add.edits);
  assert.ok(
    added.includes(
      `  annotations:\n    image.openshift.io/triggers: '[{"from":{"kind":"ImageStreamTag","name":"web:latest"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"web\\")].image"}]'\n`,
    ),
  );
  assert.deepEqual(codes(added), []);

  const twoContainers = readFixture('valid.yaml')
    .split('---\n')[2]!
    .replace(
      '          - name: report\n',
      '          - name: sidecar\n            image: quay.io/x/side:2\n          - name: report\n',
    );
  const pos = positionOf(twoContainers, 'side:2');
  const [append] = (await service.codeActions(twoContainers, { start: pos, end: pos }, [])).filter((a) =>
    a.title.startsWith('Add image-stream trigger'),
  );
  assert.ok(append, 'offered for the container without a trigger');
  assert.match(append.title, /"sidecar" \(side:2\)/);
  const appended = applyEdits(twoContainers, append.edits);
  assert.deepEqual(codes(appended), []);
  assert.ok(
    appended.includes('"fieldPath":"spec.jobTemplate.spec.template.spec.containers[?(@.name==\\"sidecar\\")].image"'),
  );
  const triggered = positionOf(appended, 'image: report:stable', 8);
  assert.deepEqual(
    (await service.codeActions(appended, { start: triggered, end: triggered }, [])).filter((a) =>
      a.title.startsWith('Add'),
    ),
    [],
  );
});

test('"Add image-stream trigger" is not offered for a container whose trigger is broken: it would duplicate its fieldPath', async () => {
  // paused-string.yaml: the trigger of container web has "paused":"false", so OpenShift ignores it.
  const broken = readFixture('paused-string.yaml');
  const at = positionOf(broken, 'image: web:latest', 8);
  const titles = (await service.codeActions(broken, { start: at, end: at }, [])).map((a) => a.title);
  assert.ok(!titles.some((t) => t.startsWith('Add image-stream trigger')), JSON.stringify(titles));
  // Nor when the broken trigger names the container by index, or its from is wrong.
  for (const [from, to] of [
    ['containers[?(@.name==\\"web\\")]', 'containers[0]'],
    ['"kind":"ImageStreamTag"', '"kind":"DockerImage"'],
  ] as const) {
    const text = broken.replace(',"paused":"false"', '').replace(from, to);
    assert.notEqual(text, broken.replace(',"paused":"false"', ''), `the fixture contains ${from}`);
    const offered = (await service.codeActions(text, { start: at, end: at }, [])).filter((a) =>
      a.title.startsWith('Add image-stream trigger'),
    );
    assert.deepEqual(offered, [], `with ${to}`);
  }
});

test('pin every image: each tag gets its digest once, in the chosen form; a failed lookup is named, not guessed', async () => {
  const other = `sha256:${'cd'.repeat(32)}`;
  const pinned = `sha256:${'ef'.repeat(32)}`;
  const asked: string[] = [];
  const pinning = createLanguageService({
    imageLookup: {
      describe: async (ref) => {
        asked.push(ref);
        if (ref.startsWith('gone/')) throw new Error('cannot reach registry docker.io: connection refused');
        return { digest: ref.startsWith('quay.io') ? other : DIGEST };
      },
    },
  });
  const text = `kind: Pod
spec:
  initContainers:
  - name: init
    image: web:latest
  containers:
  - name: web
    image: web:latest
  - name: side
    image: "quay.io/x/side:2"   
  - name: done
    image: registry:5000/done@${pinned}
  - name: lost
    image: gone/app:1
---
kind: Pod
spec: {containers: [{name: flow, image: web:latest}]}
`;
  const asTag = await pinning.pinImages(text, 'tag-and-digest');
  assert.deepEqual(
    [...asked].sort(),
    ['gone/app:1', 'quay.io/x/side:2', 'web:latest'],
    'each reference looked up once, the pinned one not at all',
  );
  assert.deepEqual(asTag.pinned, ['web:latest', 'quay.io/x/side:2']);
  assert.deepEqual(asTag.failed, [
    { image: 'gone/app:1', reason: 'cannot reach registry docker.io: connection refused' },
  ]);
  const tagged = applyEdits(text, asTag.edits);
  assert.equal(tagged.split(`web:latest@${DIGEST}`).length - 1, 3);
  assert.ok(tagged.includes(`image: "quay.io/x/side:2@${other}"`));
  assert.ok(tagged.includes('image: gone/app:1\n'));

  const commented = applyEdits(text, (await pinning.pinImages(text, 'digest-tag-comment')).edits);
  assert.ok(commented.includes(`    image: web@${DIGEST} # web:latest\n`), commented);
  assert.ok(commented.includes(`    image: "quay.io/x/side@${other}" # quay.io/x/side:2   \n`), commented);
  assert.ok(
    commented.includes(`image: web:latest@${DIGEST}}]}`),
    'inside a flow collection the tag stays in the reference',
  );
  assert.deepEqual(codes(commented), []);
});
