import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratchDir } from '@istream/test-harness';
import { parse } from 'yaml';
import { runCli } from '../../src/program.js';
import { bufferIO } from '../../src/io.js';

const scratch = scratchDir();

// Input errors are reported before any cluster is contacted: an empty environment proves it.
async function cli(args: string[]) {
  const io = bufferIO();
  const code = await runCli(args, { io, env: { HOME: '/nonexistent' } });
  return { code, out: io.stdout(), err: io.stderr() };
}

test('bad input names the input and the fix, exits non-zero, prints nothing on stdout', async () => {
  const cases: Array<[string[], RegExp]> = [
    [
      ['import-image', 'ubi:8', '--from', 'Registry.example/UBI:8'],
      /^error: invalid --from "Registry.example\/UBI:8": invalid reference/,
    ],
    [['import-image', 'ubi:bad!tag'], /^error: invalid tag name "bad!tag"/],
    [['import-image', 'ubi:8', '--all'], /^error: cannot specify a tag "ubi:8" as well as --all/],
    // oc's words for each command: import-image and tag spell the reference policy error differently.
    [
      ['import-image', 'ubi', '--reference-policy', 'remote'],
      /^error: valid reference policy values are source or local\n$/,
    ],
    [
      ['tag', 'ubi:8', 'app:1', '--reference-policy', 'Local'],
      /^error: reference policy must be set to 'source' or 'local'\n$/,
    ],
    [
      ['import-image', 'ubi', '--import-mode', 'Everything'],
      /^error: valid ImportMode values are Legacy or PreserveOriginal\n$/,
    ],
    [
      ['import-image', `quay.io/team/app@sha256:${'a'.repeat(64)}`],
      /^error: to import images by ID, use the 'tag' command\n$/,
    ],
    [
      ['import-image', 'quay.io/team/app:1', '--all'],
      /^error: cannot specify a tag "quay.io\/team\/app:1" as well as --all\n$/,
    ],
    [
      ['import-image', 'quay.io/Team/app:1'],
      /^error: the image name must be a valid container image pull spec or reference to an image stream/,
    ],
    [
      ['import-image', 'team/app:1'],
      /^error: "team\/app:1" names a namespace: give the image stream name alone and the namespace with -n/,
    ],
    // Accepted in any case (it then needs a cluster): oc lower-cases import-image's --reference-policy.
    [['import-image', 'ubi', '--reference-policy', 'LOCAL'], /^error: no kubeconfig found/],
    [['tag', 'ubi:8', 'ubi:x y'], /^error: invalid tag name "x y"/],
    [['tag', 'ubi:8', 'app:1', '--alias', '--scheduled'], /error: /],
    [['tag', 'ubi:8', 'other'], /^error: "other" must be of the form <stream_name>:<tag>/],
    [['get', 'pods'], /^error: unknown resource type "pods"/],
    [
      ['get', 'is', '-o', 'jsonpath={.items[*}'],
      /^error: error parsing jsonpath template "\{\.items\[\*\}": unterminated \[ at position 8\n$/,
    ],
    [['get', 'is', '-o', 'custom-columns='], /^error: custom-columns format specified but no custom columns given\n$/],
    [
      ['get', 'is', '-o', 'custom-columns=NAME'],
      /^error: unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>\n$/,
    ],
    [
      ['get', 'is', '-o', 'custom-columns=A:{range .items[*]}{end}'],
      /^error: column A: error parsing jsonpath template "\{range \.items\[\*\]\}\{end\}": unexpected path string, expected a 'name1\.name2' or '\.name1\.name2' or '\{name1\.name2\}' or '\{\.name1\.name2\}' at position 1\n$/,
    ],
    [
      ['get', 'is', '-o', 'custom-columns=A:.metadata.name,B:items[x]'],
      /^error: column B: error parsing jsonpath template "\{\.items\[x\]\}": invalid array index "x" at position 8\n$/,
    ],
    [
      ['get', 'is', '-o', 'jsonpath-file=/nonexistent/t'],
      /^error: cannot read the jsonpath-file template \/nonexistent\/t: /,
    ],
    [
      ['get', 'is', '-o', 'table'],
      /^error: unable to match a printer suitable for the output format "table", allowed formats are: wide,json,yaml,name,jsonpath=TEMPLATE,/,
    ],
    [['import-image', 'ubi'], /^error: no kubeconfig found: pass --kubeconfig, set KUBECONFIG/],
  ];
  for (const [args, expected] of cases) {
    const { code, out, err } = await cli(args);
    assert.notEqual(code, 0, args.join(' '));
    assert.equal(out, '', args.join(' '));
    assert.match(err, expected, args.join(' '));
  }
});

/** What the default `--admission=webhook` adds: the Secret's Role, the Service, the webhooks and the guard policy. */
const WEBHOOK_KINDS = [
  'Role',
  'RoleBinding',
  'Service',
  'MutatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
];

/** install's manifests as it would apply them, with an image (none is published to default to). */
const PRINT_INSTALL = ['install', '--dry-run=client', '-o', 'yaml', '--image', 'registry.example/istream:dev'];

test('install --dry-run=client -o yaml prints installable manifests without a cluster', async () => {
  const { code, out } = await cli(PRINT_INSTALL);
  assert.equal(code, 0);
  const docs = out.split(/^---\n/m).map((d) => parse(d));
  assert.deepEqual(
    docs.map((d) => d.kind),
    [
      'CustomResourceDefinition',
      'Namespace',
      'ServiceAccount',
      'ClusterRole',
      'ClusterRoleBinding',
      'Role',
      'RoleBinding',
      'Deployment',
      'Service',
      'PodDisruptionBudget',
      ...WEBHOOK_KINDS,
    ],
  );
  const crd = docs[0];
  assert.equal(crd.metadata.name, 'imagestreams.image.openshift.io');
  assert.deepEqual(crd.spec.names.shortNames, ['is']);
  assert.deepEqual(crd.spec.versions[0].subresources, { status: {} });
  const deployment = docs[7];
  assert.equal(deployment.metadata.namespace, 'istream-system');
  const [container] = deployment.spec.template.spec.containers;
  assert.ok(
    container.args.includes('--metrics-bind-address=:8080'),
    'in a pod, metrics are for the cluster, not loopback',
  );
  assert.equal(container.image, 'registry.example/istream:dev');
});

test('install runs 2 replicas with Lease election, probes, a metrics Service, a PodDisruptionBudget and the restricted profile', async () => {
  const { code, out } = await cli(PRINT_INSTALL);
  assert.equal(code, 0);
  const docs = out.split(/^---\n/m).map((d) => parse(d));
  // The first of a kind: the controller's Role and metrics Service come before the admission ones.
  const byKind = (kind: string) => docs.find((d) => d.kind === kind);
  const deployment = byKind('Deployment');
  assert.equal(deployment.spec.replicas, 2);
  const pod = deployment.spec.template.spec;
  const [container] = pod.containers;
  assert.deepEqual(container.args, [
    'controller',
    '--leader-elect',
    '--metrics-bind-address=:8080',
    '--log-format=json',
    '--admission=webhook',
  ]);
  assert.deepEqual(
    [container.readinessProbe.httpGet.path, container.livenessProbe.httpGet.path],
    ['/readyz', '/healthz'],
  );
  assert.ok(
    container.resources.requests.cpu && container.resources.requests.memory && container.resources.limits.memory,
  );
  // Node would size its heap to the whole memory limit; V8 is held to half of it.
  const env = Object.fromEntries(container.env.map((e: { name: string; value?: string }) => [e.name, e.value]));
  assert.equal(container.resources.limits.memory, '256Mi');
  assert.equal(env.NODE_OPTIONS, '--max-old-space-size=128');
  assert.deepEqual(pod.securityContext.seccompProfile, { type: 'RuntimeDefault' });
  assert.equal(pod.securityContext.runAsNonRoot, true);
  assert.deepEqual(container.securityContext, {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ['ALL'] },
  });
  assert.equal(byKind('Namespace').metadata.labels['pod-security.kubernetes.io/enforce'], 'restricted');
  assert.deepEqual(byKind('Service').spec.ports, [
    { name: 'metrics', port: 8080, targetPort: 'metrics', protocol: 'TCP' },
  ]);
  assert.equal(byKind('PodDisruptionBudget').spec.minAvailable, 1);
  assert.deepEqual(byKind('Service').spec.selector, deployment.spec.selector.matchLabels);
  assert.deepEqual(byKind('PodDisruptionBudget').spec.selector, deployment.spec.selector);
  // The Lease: a Role in the controller's namespace, not cluster-wide.
  assert.ok(!byKind('ClusterRole').rules.some((r: { resources: string[] }) => r.resources.includes('leases')));
  assert.ok(byKind('Role').rules.some((r: { resources: string[] }) => r.resources.includes('leases')));
});

test('import-image --help has examples that parse and says how to trust a registry CA', async () => {
  const { code, out } = await cli(['import-image', '--help']);
  assert.equal(code, 0);
  assert.match(out, /\/etc\/containers\/certs\.d\/HOST\[:PORT\]\/ca\.crt/);
  assert.match(out, /NODE_EXTRA_CA_CERTS/);
  const examples = out
    .slice(out.indexOf('\nExamples:\n'))
    .split('\n')
    .filter((l) => l.startsWith('  kubectl istream import-image '));
  assert.ok(examples.length >= 4, out);
  for (const example of examples) {
    // Every flag is known and every value valid: the only complaint is the missing cluster.
    const { err } = await cli(example.trim().split(/\s+/).slice(2));
    assert.match(err, /^error: no kubeconfig found/, example);
  }
});

test('install --help offers no -n/--namespace: what it installs does not depend on one', async () => {
  const { code, out } = await cli(['install', '--help']);
  assert.equal(code, 0);
  assert.match(out, /--kubeconfig <path>/);
  assert.doesNotMatch(out, /--namespace|-n,/);
});

test('install without --image refuses before printing or applying anything, saying how to build and push one; --no-controller needs none', async () => {
  // No controller image is published: a default would be a Deployment whose pods never pull.
  for (const args of [['install', '--dry-run=client', '-o', 'yaml'], ['install']]) {
    const { code, out, err } = await cli(args);
    assert.equal(code, 1, args.join(' '));
    assert.equal(out, '', 'nothing printed or applied');
    assert.match(
      err,
      /^error: install needs --image: istream publishes no controller image\.\n.*\n {2}npm run image -- --push REGISTRY\/istream-controller:\S+\n {2}kubectl istream install --image REGISTRY\/istream-controller:\S+\nOr install --no-controller /,
    );
  }

  const without = await cli(['install', '--dry-run=client', '-o', 'yaml', '--no-controller']);
  assert.equal(without.code, 0);
  const kinds = without.out.split(/^---\n/m).map((d) => parse(d).kind);
  assert.deepEqual(kinds, [
    'CustomResourceDefinition',
    'Namespace',
    'ServiceAccount',
    'ClusterRole',
    'ClusterRoleBinding',
    'Role',
    'RoleBinding',
  ]);
});

test('install --admission chooses the image lookup backend: none leaves admission out, policy installs CEL policies instead of the webhook', async () => {
  const kindsOf = async (mode: string) => {
    const { code, out, err } = await cli([
      'install',
      '--dry-run=client',
      '-o',
      'yaml',
      `--admission=${mode}`,
      '--image',
      'registry.example/istream:dev',
    ]);
    assert.equal(code, 0, err);
    const docs = out.split(/^---\n/m).map((d) => parse(d));
    return {
      kinds: docs.map((d) => d.kind),
      args: docs.find((d) => d.kind === 'Deployment').spec.template.spec.containers[0].args.at(-1),
    };
  };
  const base = [
    'CustomResourceDefinition',
    'Namespace',
    'ServiceAccount',
    'ClusterRole',
    'ClusterRoleBinding',
    'Role',
    'RoleBinding',
    'Deployment',
    'Service',
    'PodDisruptionBudget',
  ];
  assert.deepEqual(await kindsOf('none'), { kinds: base, args: '--admission=none' });
  const policies = ['MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding'];
  assert.deepEqual(await kindsOf('policy'), {
    kinds: [
      ...base,
      ...policies,
      ...policies,
      ...policies,
      'ValidatingAdmissionPolicy',
      'ValidatingAdmissionPolicyBinding',
    ],
    args: '--admission=policy',
  });
  const bad = await cli(['install', '--dry-run=client', '--admission=both']);
  assert.equal(bad.code, 1);
  assert.match(
    bad.err,
    /^error: option '--admission <mode>' argument 'both' is invalid\. Allowed choices are webhook, policy, none\.\n/,
  );
});

test('install --events runs the receiver in the controller pod with the token Secret mounted, behind a Service', async () => {
  const { code, out, err } = await cli([
    'install',
    '--dry-run=client',
    '-o',
    'yaml',
    '--admission=none',
    '--events',
    '--image',
    'registry.example/istream:dev',
  ]);
  assert.equal(code, 0, err);
  const docs = out.split(/^---\n/m).map((d) => parse(d));
  const pod = docs.find((d) => d.kind === 'Deployment').spec.template.spec;
  const container = pod.containers[0];
  assert.deepEqual(container.args.slice(-3), [
    '--events-bind-address=:8088',
    '--events-token-file=/etc/istream/registry-events/token',
    '--events-shutdown-delay=5s',
  ]);
  // Beside the metrics port every install has.
  assert.deepEqual(
    container.ports.filter((p: { name: string }) => p.name !== 'metrics'),
    [{ name: 'registry-events', containerPort: 8088 }],
  );
  assert.deepEqual(pod.volumes, [{ name: 'registry-events-token', secret: { secretName: 'istream-registry-events' } }]);
  assert.deepEqual(container.volumeMounts, [
    { name: 'registry-events-token', mountPath: '/etc/istream/registry-events', readOnly: true },
  ]);
  const service = docs.find((d) => d.kind === 'Service' && d.metadata.name !== 'istream-controller-metrics');
  assert.deepEqual(
    { name: service.metadata.name, namespace: service.metadata.namespace, ports: service.spec.ports },
    {
      name: 'istream-registry-events',
      namespace: 'istream-system',
      ports: [{ name: 'http', port: 80, targetPort: 8088 }],
    },
  );
  const without = await cli([
    'install',
    '--dry-run=client',
    '-o',
    'yaml',
    '--admission=none',
    '--image',
    'registry.example/istream:dev',
  ]);
  assert.ok(!without.out.includes('registry-events'), 'without --events nothing of the receiver is installed');
});

test('an API server that does not answer is named in the error', async () => {
  const dir = mkdtempSync(join(scratch, 'istream-offline-'));
  const kubeconfig = join(dir, 'config');
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'x',
      clusters: [{ name: 'x', cluster: { server: 'https://127.0.0.1:1' } }],
      users: [{ name: 'x', user: { token: 't' } }],
      contexts: [{ name: 'x', context: { cluster: 'x', user: 'x' } }],
    }),
  );
  const { code, out, err } = await cli(['get', 'is', '--kubeconfig', kubeconfig]);
  assert.equal(code, 1);
  assert.equal(out, '');
  assert.match(err, /^error: cannot reach the Kubernetes API at https:\/\/127\.0\.0\.1:1: ECONNREFUSED\n$/);
});
