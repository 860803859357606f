// Commands load only what they use: `--help`, `lint` and `digest` never load the Kubernetes client
// (seconds of start-up), and nothing but a command that talks to a cluster does. Each case runs the
// built CLI as a user would, with a module hook that records every module the process resolves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scratchDir } from '@istream/test-harness';

const scratch = scratchDir();

const bin = fileURLToPath(new URL('../../../bin/kubectl-istream', import.meta.url));
const dir = mkdtempSync(join(scratch, 'istream-lazy-'));
const hooks = join(dir, 'record-resolve.mjs');
const preload = join(dir, 'register.mjs');
writeFileSync(
  hooks,
  `import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) { log = data.log; }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(log, result.url + '\\n');
  return result;
}
`,
);
writeFileSync(
  preload,
  `import { register } from 'node:module';
register(${JSON.stringify(new URL(`file://${hooks}`).href)}, { data: { log: process.env.ISTREAM_RESOLVE_LOG } });
`,
);

const manifest = join(dir, 'deploy.yaml');
writeFileSync(manifest, 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n');

let runs = 0;
/** Runs the CLI; returns its exit code and every module URL it resolved. */
function run(args: string[]): { status: number | null; stderr: string; modules: string[] } {
  const log = join(dir, `resolved-${++runs}.txt`);
  writeFileSync(log, '');
  const child = spawnSync(process.execPath, ['--import', preload, bin, ...args], {
    env: { PATH: process.env.PATH, HOME: dir, ISTREAM_RESOLVE_LOG: log },
    encoding: 'utf8',
  });
  return { status: child.status, stderr: child.stderr, modules: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

const kubernetesClient = (modules: string[]) => modules.filter((m) => m.includes('/@kubernetes/client-node/'));

test('--help, lint and digest do not load the Kubernetes client', () => {
  for (const args of [['--help'], ['lint', manifest], ['digest', 'Foo:bar'], ['get', '--help'], ['--version']]) {
    const { status, stderr, modules } = run(args);
    assert.ok(status === 0 || (args[0] === 'digest' && status === 1), `${args.join(' ')}: ${stderr}`);
    assert.ok(
      modules.some((m) => m.endsWith('/dist/src/program.js')),
      `${args.join(' ')}: the hook saw the CLI load`,
    );
    assert.deepEqual(kubernetesClient(modules), [], args.join(' '));
  }
});

test('--help and --version load nothing from core: commands register their flags without it', () => {
  for (const args of [['--help'], ['set-triggers', '--help'], ['--version']]) {
    const { status, modules } = run(args);
    assert.equal(status, 0, args.join(' '));
    assert.deepEqual(
      modules.filter((m) => m.includes('/core/dist/src/')),
      [],
      args.join(' '),
    );
  }
});

test('a command that talks to a cluster loads the Kubernetes client when it runs', () => {
  const { status, stderr, modules } = run(['get', 'is', '--kubeconfig', join(dir, 'absent')]);
  assert.equal(status, 1);
  assert.match(stderr, /^error: --kubeconfig file .*absent does not exist\n$/);
  assert.notDeepEqual(kubernetesClient(modules), []);
});
