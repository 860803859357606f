// import-image from a registry on 6667, one of the ports the WHATWG fetch spec blocks ("bad port"):
// real registries run there, so the registry client must not use fetch's port rules.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { scratchDir } from '@istream/test-harness';
import type { ImageStream } from '@istream/core/imagestream';
import { sharedCluster, type ClusterInstance } from '@istream/test-harness/cluster/index';
import {
  pushFixtures,
  startRegistry,
  type Fixtures,
  type RegistryInstance,
} from '@istream/test-harness/registry/index';
import { bufferIO } from '../../src/io.js';
import { runCli } from '../../src/program.js';

const scratch = scratchDir();

let cluster: ClusterInstance;
let registry: RegistryInstance;
let fixtures: Fixtures;
let namespace: string;
const home = mkdtempSync(join(scratch, 'istream-blocked-port-'));

async function cli(...args: string[]) {
  const io = bufferIO();
  const code = await runCli([...args, '--kubeconfig', cluster.kubeconfig, '-n', namespace], {
    io,
    env: { HOME: home, PATH: process.env.PATH },
  });
  return { code, out: io.stdout(), err: io.stderr() };
}

before(async () => {
  cluster = await sharedCluster();
  registry = await startRegistry({ mode: 'token', port: 6667 });
  fixtures = await pushFixtures(registry);
  namespace = await cluster.createNamespace('istream-port-6667');
  const installed = await cli('install', '--no-controller');
  assert.equal(installed.code, 0, installed.err);
});

after(async () => {
  await registry?.stop();
});

test("import-image imports from a registry on port 6667 with the namespace's pull Secret, and -v 6 logs its requests", async () => {
  assert.equal(fixtures.host, '127.0.0.1:6667');
  const secret = await cluster.kubectl(
    [
      'create',
      'secret',
      'docker-registry',
      'pull',
      `--docker-server=${fixtures.host}`,
      `--docker-username=${registry.username}`,
      `--docker-password=${registry.password}`,
    ],
    { namespace },
  );
  assert.equal(secret.code, 0, secret.stderr);
  const from = fixtures.reference(fixtures.private);
  const imported = await cli('-v', '6', 'import-image', 'app:1', '--from', from, '--confirm', '--insecure');
  assert.equal(imported.code, 0, imported.err);
  assert.match(
    imported.err,
    new RegExp(
      `^HEAD http://${fixtures.host.replace(/\./g, '\\.')}/v2/private/app/manifests/1\\.0 200 in \\d+ms$`,
      'm',
    ),
  );
  assert.ok(!(imported.out + imported.err).includes(registry.password!), 'no credential printed');
  const got = await cli('get', 'is', 'app', '-o', 'json');
  assert.equal(got.code, 0, got.err);
  const stream = JSON.parse(got.out) as ImageStream;
  assert.deepEqual(
    stream.status?.tags?.find((t) => t.tag === '1')?.items?.map((i) => i.image),
    [fixtures.private.digest],
  );
});
