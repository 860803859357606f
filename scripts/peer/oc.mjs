// Records OpenShift's own `oc` answers for the replay tests in packages/kubectl-istream/test/peer:
//   - `oc set triggers --local` on the seeded corpus (oc-corpus.ts), and on a part of it against
//     the sandbox cluster (not --local);
//   - `oc describe is` and `oc get is -o yaml` on streams istream wrote on the sandbox.
// oc is built from ISTREAM_PEER_OC_SRC (a snapshot of github.com/openshift/oc with its vendor/);
// the sandbox comes from ISTREAM_SANDBOX_STATE (default ~/.cache/istream/sandbox/state.json).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { buildOc, runOc, run } from './_oc-tool.mjs';
import { recordStreams } from './_oc-streams.mjs';

/** The corpus the vectors answer: changing either re-records every case. */
export const SEED = 20261201;
export const CASES = 2400;
/** How many corpus cases also run against the sandbox cluster. */
const CLUSTER_CASES = 160;

export async function record({ root, log }) {
  const src = process.env.ISTREAM_PEER_OC_SRC;
  if (!src) throw new Error('ISTREAM_PEER_OC_SRC is not set: point it at a checkout of github.com/openshift/oc');
  if (!existsSync(join(src, 'cmd', 'oc')))
    throw new Error(`ISTREAM_PEER_OC_SRC=${src} holds no cmd/oc: point it at a checkout of github.com/openshift/oc`);
  const distTest = join(root, 'packages/kubectl-istream/dist/test/peer');
  const corpus = await import(pathToFileURL(join(distTest, 'oc-corpus.js')).href);
  const { answerOf } = await import(pathToFileURL(join(distTest, 'oc-answer.js')).href);
  const fixtures = join(root, 'packages/kubectl-istream/test/fixtures/peer');
  mkdirSync(fixtures, { recursive: true });

  const cache = join(process.env.ISTREAM_CACHE_DIR ?? join(homedir(), '.cache', 'istream'), 'peer');
  const oc = await buildOc(src, cache, log);
  const version = sourceFingerprint(src);
  log(`oc: ${version}`);

  const work = mkdtempSync(join(tmpdir(), 'istream-peer-oc-'));
  try {
    const kubeconfig = join(work, 'offline.kubeconfig');
    writeFileSync(kubeconfig, corpus.offlineKubeconfig());
    const env = { HOME: work, KUBECONFIG: kubeconfig };

    const local = [];
    const started = Date.now();
    for (let i = 0; i < CASES; i++) {
      const c = corpus.ocCase(SEED, i);
      const file = join(work, 'case.yaml');
      writeFileSync(file, c.file);
      const args = ['set', 'triggers', '--local', '-f', file, ...c.args];
      local.push({ h: corpus.inputHash(c), ...answerOf(await runOc(oc, args, env), c.args, file) });
      if ((i + 1) % 400 === 0)
        log(`set triggers --local: ${i + 1}/${CASES} (${Math.round((Date.now() - started) / 1000)} s)`);
    }
    writeVectors(join(fixtures, 'oc-set-triggers.json.gz'), { seed: SEED, oc: version, cases: local });

    const sandbox = sandboxState();
    const live = await recordLive({ oc, corpus, answerOf, sandbox, work, log });
    writeVectors(join(fixtures, 'oc-set-triggers-cluster.json.gz'), { seed: SEED, oc: version, cases: live });

    const streams = await recordStreams({ root, oc, sandbox, work, log });
    writeVectors(join(fixtures, 'oc-imagestreams.json.gz'), { oc: version, streams });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Which oc answered: snapshots carry no .git and a plain `go build` stamps no version, so the
 * vectors name the source by a hash of go.sum and the files `set triggers` and `describe is` run.
 */
function sourceFingerprint(src) {
  const hash = createHash('sha256');
  for (const file of ['go.sum', 'pkg/cli/set/triggers.go', 'pkg/cli/set/helper.go'])
    hash.update(readFileSync(join(src, file)));
  return `openshift/oc source sha256:${hash.digest('hex').slice(0, 16)}`;
}

/** gzip without a timestamp, so the same answers give the same bytes. */
function writeVectors(path, value) {
  writeFileSync(path, gzipSync(`${JSON.stringify(value, null, 1)}\n`, { level: 9 }));
}

function sandboxState() {
  const path = process.env.ISTREAM_SANDBOX_STATE ?? join(homedir(), '.cache/istream/sandbox/state.json');
  if (!existsSync(path))
    throw new Error(`no sandbox state at ${path}: start one with npm run sandbox -- up, or set ISTREAM_SANDBOX_STATE`);
  return JSON.parse(readFileSync(path, 'utf8'));
}

/**
 * The cluster cases: the corpus's single-object, namespace-free cases, each created in a fresh
 * namespace and edited there by `oc set triggers -f FILE` (no --local). Their answers do not
 * depend on the namespace's name, which the replay chooses afresh.
 */
async function recordLive({ oc, corpus, answerOf, sandbox, work, log }) {
  const admin = sandbox.cluster.kubeconfig;
  const cases = [];
  for (let i = 0; cases.length < CLUSTER_CASES; i++) {
    const c = corpus.ocCase(SEED, i);
    if (corpus.liveCase(c)) cases.push({ index: i, c });
  }
  const namespace = `istream-peer-oc-${process.pid}`;
  await run(oc, ['create', 'namespace', namespace], { KUBECONFIG: admin, HOME: work });
  try {
    const answers = [];
    for (const { index, c } of cases) {
      const file = join(work, 'live.yaml');
      writeFileSync(file, corpus.liveManifest(c));
      const env = { KUBECONFIG: admin, HOME: work };
      const created = await run(oc, ['create', '-n', namespace, '-f', file], env);
      if (created.code !== 0) throw new Error(`creating case ${index}: ${created.stderr}`);
      const args = ['set', 'triggers', '-n', namespace, '-f', file, ...c.args];
      const answer = answerOf(await runOc(oc, args, env), c.args, file);
      const after = await run(oc, ['get', '-n', namespace, '-f', file, '-o', 'json'], env);
      const stored = JSON.parse(after.stdout);
      answers.push({
        i: index,
        h: corpus.inputHash(c),
        ...answer,
        stored: {
          a: stored.metadata.annotations?.['image.openshift.io/triggers'] ?? null,
          p: stored.spec?.paused === true,
        },
      });
      await run(oc, ['delete', '-n', namespace, '-f', file, '--wait=false'], env);
    }
    log(`set triggers on the cluster: ${answers.length} cases`);
    return answers;
  } finally {
    await run(oc, ['delete', 'namespace', namespace, '--wait=false'], { KUBECONFIG: admin, HOME: work });
  }
}
