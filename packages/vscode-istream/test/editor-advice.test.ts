// Error messages in the editor name the setting that fixes them, not a kubectl-istream flag.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createLanguageService } from '@istream/core/language';
import { defer, pushFixtures, startRegistry } from '@istream/test-harness';
import { serviceOptions } from '../src/service-options.js';
import { readSettings } from '../src/settings.js';

test('a plain-HTTP registry not in istream.registry.insecureHosts: the hover names that setting and the host', async (t) => {
  const registry = await startRegistry({ mode: 'plain' });
  defer(t, () => registry.stop());
  const fixtures = await pushFixtures(registry);
  const image = fixtures.reference(fixtures.dockerSchema2);
  const text = `kind: Pod\nspec:\n  containers:\n  - name: app\n    image: ${image}\n`;
  const at = { line: 4, character: 12 };
  const settings = { ...readSettings({ get: () => undefined }), clusterEnabled: false };

  const refused = await createLanguageService(serviceOptions({ settings, workspaceFolders: [] })).hover(text, at);
  const contents = refused?.contents ?? '';
  assert.match(
    contents,
    new RegExp(
      `Registry: .*add "${registry.host.replace(/\./g, '\\.')}" to the istream\\.registry\\.insecureHosts setting`,
    ),
    contents,
  );
  assert.doesNotMatch(contents, /--insecure/);

  // The advice works: with the host in the setting the digest is shown.
  const allowed = createLanguageService(
    serviceOptions({ settings: { ...settings, insecureRegistryHosts: [registry.host] }, workspaceFolders: [] }),
  );
  assert.match((await allowed.hover(text, at))?.contents ?? '', /Digest: `sha256:[0-9a-f]{64}`/);
});

test('a private repository without credentials: the hover says to run docker login, not to add a pull secret', async (t) => {
  const registry = await startRegistry({ mode: 'token' });
  defer(t, () => registry.stop());
  const fixtures = await pushFixtures(registry);
  // No credentials at all: an empty docker config directory.
  const dockerConfig = await mkdtemp(join(tmpdir(), 'istream-docker-config-'));
  const saved = process.env.DOCKER_CONFIG;
  process.env.DOCKER_CONFIG = dockerConfig;
  defer(t, async () => {
    if (saved === undefined) delete process.env.DOCKER_CONFIG;
    else process.env.DOCKER_CONFIG = saved;
    await rm(dockerConfig, { recursive: true, force: true });
  });
  const text = `kind: Pod\nspec:\n  containers:\n  - name: app\n    image: ${fixtures.reference(fixtures.private)}\n`;
  const settings = {
    ...readSettings({ get: () => undefined }),
    clusterEnabled: false,
    insecureRegistryHosts: [registry.host],
  };
  const service = createLanguageService(serviceOptions({ settings, workspaceFolders: [] }));
  const contents = (await service.hover(text, { line: 4, character: 12 }))?.contents ?? '';
  assert.match(
    contents,
    new RegExp(
      `Registry: .*run "docker login ${registry.host.replace(/\./g, '\\.')}": the editor reads the credentials`,
    ),
    contents,
  );
  assert.doesNotMatch(contents, /pull secret/);
});
