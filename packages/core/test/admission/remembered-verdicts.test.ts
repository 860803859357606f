// The admission server's memory of lookup verdicts: an answer is reused only while the informer
// cache still holds the very stream object it was read from.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { rememberedVerdicts } from '../../src/admission/index.js';
import type { ImageStream } from '../../src/imagestream/index.js';

const digest = (n: string) => `sha256:${n.repeat(64)}`;

function stream(image: string, local = true): ImageStream {
  return {
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: { name: 'myapp', namespace: 'app' },
    spec: {
      lookupPolicy: { local },
      tags: [{ name: 'latest', from: { kind: 'DockerImage', name: 'quay.io/team/myapp:latest' } }],
    },
    status: {
      dockerImageRepository: '',
      tags: [
        {
          tag: 'latest',
          items: [{ created: '', dockerImageReference: `quay.io/team/myapp@${image}`, image, generation: 1 }],
        },
      ],
    },
  } as ImageStream;
}

/** A cache of one namespace, replacing objects on change as an informer does. */
function cache() {
  const objects = new Map<string, ImageStream>();
  return {
    objects,
    lookup: (namespace: string, name: string) => (namespace === 'app' ? objects.get(name) : undefined),
  };
}

test('a verdict follows the cache: a replaced, deleted or newly created stream is read again', () => {
  const { objects, lookup } = cache();
  const verdicts = rememberedVerdicts(lookup);
  assert.equal(verdicts('myapp:latest', 'app', false).outcome, 'no-stream');
  objects.set('myapp', stream(digest('a')));
  assert.deepEqual(verdicts('myapp:latest', 'app', false), {
    outcome: 'resolved',
    stream: 'myapp',
    tag: 'latest',
    pullSpec: `quay.io/team/myapp@${digest('a')}`,
  });
  objects.set('myapp', stream(digest('b')));
  const moved = verdicts('myapp:latest', 'app', false);
  assert.equal(moved.outcome === 'resolved' && moved.pullSpec, `quay.io/team/myapp@${digest('b')}`);
  objects.set('myapp', stream(digest('b'), false));
  assert.equal(verdicts('myapp:latest', 'app', false).outcome, 'lookup-off');
  // The same image under resolve-names is its own question.
  assert.equal(verdicts('myapp:latest', 'app', true).outcome, 'resolved');
  objects.delete('myapp');
  assert.equal(verdicts('myapp:latest', 'app', false).outcome, 'no-stream');
  assert.equal(verdicts('myapp:latest', 'other', false).outcome, 'no-stream');
});

test('an unchanged stream object is not read again: what the cache never does, editing it in place, goes unseen', () => {
  const { objects, lookup } = cache();
  const verdicts = rememberedVerdicts(lookup);
  const cached = stream(digest('a'));
  objects.set('myapp', cached);
  assert.equal(verdicts('myapp', 'app', false).outcome, 'resolved');
  cached.status!.tags![0]!.items![0]!.image = digest('c');
  const again = verdicts('myapp', 'app', false);
  assert.equal(again.outcome === 'resolved' && again.pullSpec, `quay.io/team/myapp@${digest('a')}`);
});

test('past its capacity it starts over and keeps answering right', () => {
  const { objects, lookup } = cache();
  objects.set('myapp', stream(digest('a')));
  const verdicts = rememberedVerdicts(lookup, 2);
  for (const image of ['myapp:latest', 'myapp', 'quay.io/x/y:1', `myapp@${digest('d')}`, 'myapp:latest'])
    verdicts(image, 'app', false);
  objects.set('myapp', stream(digest('b')));
  const now = verdicts('myapp:latest', 'app', false);
  assert.equal(now.outcome === 'resolved' && now.pullSpec, `quay.io/team/myapp@${digest('b')}`);
  assert.deepEqual(verdicts(`myapp@${digest('d')}`, 'app', false), { outcome: 'pinned' });
  assert.deepEqual(verdicts('quay.io/x/y:1', 'app', false), { outcome: 'not-a-stream-name' });
});

test('a stream deleted once its old object was collected is not taken for the stream the verdict read', async () => {
  setFlagsFromString('--expose-gc');
  const collectGarbage = runInNewContext('gc') as () => void;
  const { objects, lookup } = cache();
  const verdicts = rememberedVerdicts(lookup);
  objects.set('myapp', stream(digest('a')));
  assert.equal(verdicts('myapp', 'app', false).outcome, 'resolved');
  objects.delete('myapp');
  // A weakly held object stays alive until the current job ends.
  await new Promise((resolve) => setImmediate(resolve));
  collectGarbage();
  assert.equal(verdicts('myapp', 'app', false).outcome, 'no-stream');
});
