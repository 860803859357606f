// Streams istream writes on the sandbox (imports, moved tags, a rollback, reference and alias tags,
// a failed import, a manifest list), then what `oc describe is` and `oc get is -o yaml` print for
// them. The replay gives the same stored objects to istream's printers; the registry's address is
// replaced by placeholders of the same length so the vectors do not depend on the sandbox's ports.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { run, runOc } from './_oc-tool.mjs';

/** The istream commands that build each stream, as `kubectl istream ARGS` with REGISTRY filled in. */
const SCRIPT = [
  ['import-image', 'app:1', '--from', 'REGISTRY/ubi8/ubi:8.0-122', '--confirm', '--insecure'],
  ['tag', 'REGISTRY/ubi8/ubi:8.0-154', 'app:1', '--insecure'],
  ['tag', 'REGISTRY/ubi8/ubi:8.0-122', 'app:1', '--insecure'],
  ['rollback', 'app:1'],
  ['tag', 'app:1', 'app:alias', '--alias'],
  ['tag', 'app:1', 'app:copy'],
  ['tag', 'REGISTRY/ubi8/ubi:8.0-154', 'app:ref', '--reference'],
  ['tag', 'REGISTRY/nothing/here:1', 'app:broken', '--insecure'],
  [
    'import-image',
    'multi:1.0',
    '--from',
    'REGISTRY/multiarch/oci-index:1.0',
    '--confirm',
    '--insecure',
    '--import-mode',
    'PreserveOriginal',
  ],
  [
    'import-image',
    'local:1',
    '--from',
    'REGISTRY/ubi8/ubi:8.0-154',
    '--confirm',
    '--insecure',
    '--reference-policy',
    'local',
    '--scheduled',
  ],
];
const STREAMS = ['app', 'multi', 'local'];

export async function recordStreams({ root, oc, sandbox, work, log }) {
  const registry = sandbox.registries.plain.host;
  // Fixed-length names, and placeholders as long as what they replace: `oc get -o yaml` folds
  // long lines, and the replay must see them folded where oc folded them.
  const namespace = `istream-peer-is-${randomBytes(3).toString('hex')}`;
  const env = { KUBECONFIG: sandbox.cluster.kubeconfig, HOME: work };
  const istream = join(root, 'packages/kubectl-istream/bin/kubectl-istream');
  await run(oc, ['create', 'namespace', namespace], env);
  try {
    for (const args of SCRIPT) {
      const filled = args.map((a) => a.replace('REGISTRY', registry));
      const r = await run(process.execPath, [istream, ...filled, '-n', namespace], env);
      // The broken tag's import fails on purpose; every other step must work.
      if (r.code !== 0 && !args.includes('app:broken'))
        throw new Error(`kubectl istream ${filled.join(' ')}: ${r.stderr}`);
    }
    const streams = [];
    for (const name of STREAMS) {
      const stored = await run(oc, ['get', 'is', name, '-n', namespace, '-o', 'json'], env);
      const before = new Date().toISOString();
      const describe = await runOc(oc, ['describe', 'is', name, '-n', namespace], env);
      const after = new Date().toISOString();
      const yaml = await runOc(oc, ['get', 'is', name, '-n', namespace, '-o', 'yaml'], env);
      const anonymise = (text) =>
        text
          .split(registry)
          .join('registry.example'.padEnd(registry.length, '0').slice(0, registry.length))
          .split(namespace)
          .join('peer-namespace'.padEnd(namespace.length, '0'));
      streams.push({
        name,
        stored: JSON.parse(anonymise(stored.stdout)),
        describe: { code: describe.code, out: anonymise(describe.stdout), err: describe.stderr, before, after },
        yaml: { code: yaml.code, out: anonymise(yaml.stdout), err: yaml.stderr },
      });
    }
    log(`describe is / get is -o yaml: ${streams.length} streams`);
    return streams;
  } finally {
    await run(oc, ['delete', 'namespace', namespace, '--wait=false'], env);
  }
}
