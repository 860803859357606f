// Hover and "Pin image to digest" against the real registry of the harness (Distribution 2.8):
// the digests shown are the registry's own.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { pushFixtures, startRegistry, type Fixtures, type RegistryInstance } from '@istream/test-harness';
import { RegistryClient } from '@istream/core/registry';
import { createLanguageService, registryImageLookup } from '../../src/language/index.js';
import { applyEdits, positionOf } from './helpers.js';

let registry: RegistryInstance;
let fixtures: Fixtures;
let client: RegistryClient;

before(async () => {
  registry = await startRegistry({ mode: 'plain' });
  fixtures = await pushFixtures(registry);
  client = new RegistryClient({ insecure: true });
});
after(async () => {
  await client.close();
  await registry.stop();
});

const deployment = (image: string): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: web
        image: "${image}"
`;

test('hover on an OCI index shows the index digest and each platform child', async () => {
  const text = deployment(fixtures.reference(fixtures.ociIndex));
  const service = createLanguageService({ imageLookup: registryImageLookup(client) });
  const hover = await service.hover(text, positionOf(text, 'image: "', 9));
  const contents = hover?.contents ?? '';
  assert.match(contents, new RegExp(`Digest: \`${fixtures.ociIndex.digest}\` \\(index\\)`));
  assert.match(contents, new RegExp(`- linux/amd64: \`${fixtures.ociIndex.amd64.digest}\``));
  assert.match(contents, new RegExp(`- linux/arm64/v8: \`${fixtures.ociIndex.arm64.digest}\``));
});

test('hover on a single image shows its digest and created time; pinning writes that digest', async () => {
  const text = deployment(`${fixtures.host}/${fixtures.floating.repository}:${fixtures.floating.tag}`);
  const service = createLanguageService({ imageLookup: registryImageLookup(client) });
  const at = positionOf(text, 'image: "', 9);
  const hover = await service.hover(text, at);
  const current = (await client.resolve(`${fixtures.host}/${fixtures.floating.repository}:${fixtures.floating.tag}`))
    .digest;
  assert.match(hover?.contents ?? '', new RegExp(`Digest: \`${current}\`\n\nCreated: \\d{4}-\\d\\d-\\d\\dT`));
  const pin = (await service.codeActions(text, { start: at, end: at }, [])).find((a) =>
    a.title.startsWith('Pin image'),
  );
  assert.ok(pin);
  assert.ok(applyEdits(text, pin.edits).includes(`:${fixtures.floating.tag}@${current}"\n`));
});

test('a registry that is gone gives a short message, not a hang', async () => {
  const text = deployment('127.0.0.1:9/nothing/here:1');
  const service = createLanguageService({ imageLookup: registryImageLookup(client), lookupTimeoutMs: 2000 });
  const start = performance.now();
  const hover = await service.hover(text, positionOf(text, 'image: "', 9));
  assert.ok(performance.now() - start < 2500);
  assert.match(hover?.contents ?? '', /^\*\*127\.0\.0\.1:9\/nothing\/here:1\*\*\n\nRegistry: .+/);
});
