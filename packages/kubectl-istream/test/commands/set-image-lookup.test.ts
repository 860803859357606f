// set image-lookup --local: the objects of -f edited without a cluster, with oc's output and errors
// (pkg/cli/set/imagelookup.go: "pass files with -f when using --local"; without names, -o or --all
// the objects are listed, NAME LOCAL).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scratchDir } from '@istream/test-harness';
import { parseAllDocuments } from 'yaml';
import { bufferIO } from '../../src/io.js';
import { runCli } from '../../src/program.js';

const scratch = scratchDir();

const manifests = [
  'apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: mysql\nspec:\n  tags: []\n',
  'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: db\n        image: mysql:8\n',
].join('---\n');

async function cli(...args: string[]) {
  const dir = mkdtempSync(join(scratch, 'istream-image-lookup-'));
  const file = join(dir, 'app.yaml');
  writeFileSync(file, manifests);
  const io = bufferIO();
  const code = await runCli(['set', 'image-lookup', ...args.map((a) => (a === 'FILE' ? file : a))], {
    io,
    env: { HOME: '/nonexistent', PATH: process.env.PATH },
  });
  return { code, out: io.stdout(), err: io.stderr() };
}

test("--local -f lists the objects of the file; with --all it sets them, printing oc's lines", async () => {
  assert.deepEqual(await cli('--local', '-f', 'FILE'), {
    code: 0,
    out: 'NAME             LOCAL\nmysql            false\ndeployments/web  false\n',
    err: '',
  });
  assert.deepEqual(await cli('--local', '-f', 'FILE', '--all'), {
    code: 0,
    out: 'imagestream.image.openshift.io/mysql image lookup updated\ndeployment.apps/web image lookup updated\n',
    err: '',
  });
});

test('--local -f -o yaml prints the edited objects', async () => {
  const { code, out, err } = await cli('--local', '-f', 'FILE', '-o', 'yaml');
  assert.equal(code, 0, err);
  const docs = parseAllDocuments(out).map(
    (d) =>
      d.toJS() as {
        spec: { lookupPolicy?: { local: boolean }; template?: { metadata: { annotations: Record<string, string> } } };
      },
  );
  assert.equal(docs[0]?.spec.lookupPolicy?.local, true);
  assert.deepEqual(docs[1]?.spec.template?.metadata.annotations, {
    'alpha.image.policy.openshift.io/resolve-names': '*',
  });
});

test('--local with names is refused as oc refuses it', async () => {
  assert.deepEqual(await cli('--local', 'mysql'), {
    code: 1,
    out: '',
    err: 'error: pass files with -f when using --local\n',
  });
});
