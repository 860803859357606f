// install's placement flags as an operator with dedicated nodes, or a second install, uses them:
// what --dry-run prints carries them, and a typo is refused before any cluster is contacted (an
// empty environment proves it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../../src/program.js';
import { bufferIO } from '../../src/io.js';

async function cli(args: string[]) {
  const io = bufferIO();
  const code = await runCli(args, { io, env: { HOME: '/nonexistent' } });
  return { code, out: io.stdout(), err: io.stderr() };
}

interface Doc {
  kind: string;
  metadata: { name: string; namespace?: string };
  roleRef?: { name: string };
  subjects?: Array<{ namespace: string }>;
  spec?: {
    template?: {
      spec: {
        nodeSelector?: Record<string, string>;
        tolerations?: object[];
        containers: Array<{ args: string[] }>;
      };
    };
  };
}

async function dryRun(...flags: string[]): Promise<Doc[]> {
  const { code, out, err } = await cli([
    'install',
    '--dry-run',
    '-o',
    'yaml',
    '--admission=none',
    '--image',
    'registry.example/istream:dev',
    ...flags,
  ]);
  assert.equal(code, 0, err);
  return parseAllDocuments(out).map((d) => d.toJS() as Doc);
}

test('install --install-namespace puts every namespaced object there and names the cluster-wide RBAC after it', async () => {
  const docs = await dryRun('--install-namespace', 'team-a-istream');
  const namespaced = docs.filter(
    (d) => !['CustomResourceDefinition', 'Namespace', 'ClusterRole', 'ClusterRoleBinding'].includes(d.kind),
  );
  assert.deepEqual(
    namespaced.map((d) => `${d.kind} ${d.metadata.namespace}`),
    ['ServiceAccount', 'Role', 'RoleBinding', 'Deployment', 'Service', 'PodDisruptionBudget'].map(
      (kind) => `${kind} team-a-istream`,
    ),
  );
  assert.equal(docs.find((d) => d.kind === 'Namespace')!.metadata.name, 'team-a-istream');
  const binding = docs.find((d) => d.kind === 'ClusterRoleBinding')!;
  assert.equal(docs.find((d) => d.kind === 'ClusterRole')!.metadata.name, 'istream-controller-team-a-istream');
  assert.equal(binding.metadata.name, 'istream-controller-team-a-istream');
  assert.equal(binding.roleRef!.name, 'istream-controller-team-a-istream');
  assert.deepEqual(
    binding.subjects!.map((s) => s.namespace),
    ['team-a-istream'],
  );

  const defaults = await dryRun();
  assert.deepEqual(
    defaults.filter((d) => d.kind.startsWith('Cluster')).map((d) => d.metadata.name),
    ['istream-controller', 'istream-controller'],
    'istream-system keeps the names earlier versions installed, so an upgrade replaces them',
  );
  const pod = defaults.find((d) => d.kind === 'Deployment')!.spec!.template!.spec;
  assert.equal(pod.nodeSelector, undefined);
  assert.equal(pod.tolerations, undefined);
  assert.ok(!pod.containers[0]!.args.some((a) => a.startsWith('--namespace')), 'every namespace is watched');
});

test('install --watch-namespace, --node-selector and --toleration shape the controller pod', async () => {
  const docs = await dryRun(
    '--watch-namespace',
    'team-a',
    '--node-selector',
    'dedicated=istream',
    '--node-selector',
    'node-role.kubernetes.io/infra=',
    '--toleration',
    'dedicated=istream:NoSchedule',
    '--toleration',
    'node.example.com/maintenance',
  );
  const pod = docs.find((d) => d.kind === 'Deployment')!.spec!.template!.spec;
  assert.ok(pod.containers[0]!.args.includes('--namespace=team-a'), pod.containers[0]!.args.join(' '));
  assert.deepEqual(pod.nodeSelector, { dedicated: 'istream', 'node-role.kubernetes.io/infra': '' });
  assert.deepEqual(pod.tolerations, [
    { key: 'dedicated', operator: 'Equal', value: 'istream', effect: 'NoSchedule' },
    { key: 'node.example.com/maintenance', operator: 'Exists' },
  ]);
});

test('install refuses a bad namespace, node selector or toleration, naming the flag and the form, and prints nothing', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['--install-namespace', 'Istream'], /^error: --install-namespace: "Istream" is not a namespace name/],
    [['--watch-namespace', 'team_a'], /^error: --watch-namespace: "team_a" is not a namespace name/],
    [['--node-selector', 'dedicated'], /^error: --node-selector "dedicated": use KEY=VALUE/],
    [['--node-selector', 'Bad.Prefix/x=y'], /^error: --node-selector "Bad.Prefix\/x=y": its prefix "Bad.Prefix"/],
    [['--node-selector', 'a=b c'], /^error: --node-selector "a=b c": a label value is at most 63/],
    [
      ['--toleration', 'dedicated=istream:NoSchedul'],
      /^error: --toleration "dedicated=istream:NoSchedul": the effect must be NoSchedule, PreferNoSchedule, NoExecute/,
    ],
    [['--toleration', '=istream:NoSchedule'], /^error: --toleration "=istream:NoSchedule": its name must be/],
    // The admission objects are cluster-wide, named the same for every install.
    [
      ['--install-namespace', 'team-a-istream'],
      /^error: --install-namespace team-a-istream: image lookup at admission is cluster-wide and served from istream-system; add --admission=none\n$/,
    ],
    [['--install-namespace', 'team-a-istream', '--admission=policy'], /add --admission=none\n$/],
  ];
  for (const [flags, message] of cases) {
    for (const dry of [['--dry-run'], []]) {
      const { code, out, err } = await cli(['install', '--image', 'registry.example/istream:dev', ...dry, ...flags]);
      assert.equal(code, 1, flags.join(' '));
      assert.match(err, message);
      assert.equal(out, '', flags.join(' '));
    }
  }
  const uninstall = await cli(['uninstall', '--install-namespace', 'Istream']);
  assert.equal(uninstall.code, 1);
  assert.match(uninstall.err, /^error: --install-namespace: "Istream" is not a namespace name/);
});

test('install --help has examples for an image, dedicated nodes and a second install whose flags all parse', async () => {
  const { code, out } = await cli(['install', '--help']);
  assert.equal(code, 0);
  const examples = out
    .slice(out.indexOf('\nExamples:\n'))
    .split('\n')
    .filter((l) => l.startsWith('  kubectl istream install '));
  assert.equal(examples.length, 3, out);
  for (const example of examples) {
    // Every flag is known and every value valid: the only complaint is the missing cluster.
    const { err } = await cli(example.trim().split(/\s+/).slice(2));
    assert.match(err, /^error: no kubeconfig found/, example);
  }
});
