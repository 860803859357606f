// Builds OpenShift's image trigger controller from an openshift-controller-manager source tree:
// scripts/peer/trigger-controller/main.go is laid into the tree with `go build -overlay` (the tree
// is never written to) and compiled offline from its vendor/ directory.
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const MODULE = 'github.com/openshift/openshift-controller-manager';

/** The files whose rules the recording depends on; their hash names the code that was recorded. */
const RULE_FILES = [
  'pkg/image/controller/trigger/image_trigger_controller.go',
  'pkg/image/controller/trigger/cache.go',
  'pkg/image/trigger/annotations/annotations.go',
  'pkg/cmd/controller/image.go',
  'vendor/github.com/openshift/library-go/pkg/image/trigger/annotations.go',
  'vendor/github.com/openshift/library-go/pkg/image/imageutil/helpers.go',
  'vendor/github.com/openshift/library-go/pkg/image/referencemutator/pods.go',
];

/** The source tree from ISTREAM_PEER_OCM_SRC, checked to be the one the main is written for. */
export function ocmSource(env) {
  const dir = env.ISTREAM_PEER_OCM_SRC;
  const how = 'see docs/peer-vectors.md for how to take a snapshot';
  if (!dir) {
    throw new Error(
      `ISTREAM_PEER_OCM_SRC is not set: point it at a source tree of ${MODULE} with its vendor/ directory (${how})`,
    );
  }
  const goMod = join(dir, 'go.mod');
  if (!existsSync(goMod) || !readFileSync(goMod, 'utf8').startsWith(`module ${MODULE}\n`)) {
    throw new Error(`ISTREAM_PEER_OCM_SRC=${dir} is not a source tree of ${MODULE} (no go.mod naming it; ${how})`);
  }
  const missing = RULE_FILES.filter((f) => !existsSync(join(dir, f)));
  if (missing.length > 0) {
    throw new Error(
      `ISTREAM_PEER_OCM_SRC=${dir} lacks ${missing.join(', ')}: it needs the trigger controller and a complete vendor/ (${how})`,
    );
  }
  return dir;
}

/** sha256 over the rule files, and the commit when the tree is a git checkout. */
export async function sourceIdentity(dir) {
  const hash = createHash('sha256');
  for (const f of RULE_FILES) hash.update(`${f}\0`).update(readFileSync(join(dir, f)));
  let commit;
  try {
    const { stdout } = await promisify(execFile)('git', ['-C', dir, 'rev-parse', 'HEAD']);
    commit = stdout.trim();
  } catch {
    commit = undefined;
  }
  return { module: MODULE, ...(commit ? { commit } : {}), ruleFilesSha256: hash.digest('hex') };
}

/**
 * `go build` of the controller into the cache directory (incremental: a warm cache takes seconds,
 * a cold one several minutes on two cores). Returns the binary's path.
 */
export async function buildTriggerController({ root, source, log }) {
  const cache = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'istream', 'peer', 'ctrl');
  mkdirSync(cache, { recursive: true });
  const overlay = join(cache, 'overlay.json');
  const main = join(root, 'scripts', 'peer', 'trigger-controller', 'main.go');
  writeFileSync(
    overlay,
    JSON.stringify({ Replace: { [join(source, 'cmd', 'istream-peer-trigger', 'main.go')]: main } }),
  );
  const binary = join(cache, 'istream-peer-trigger');
  const args = ['build', '-overlay', overlay, '-o', binary, './cmd/istream-peer-trigger'];
  log(`go ${args.join(' ')} (in ${source})`);
  const started = Date.now();
  await new Promise((resolve, reject) => {
    const child = spawn('go', args, {
      cwd: source,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: {
        ...process.env,
        GOFLAGS: '-mod=vendor',
        GOPROXY: 'off',
        GOCACHE: process.env.GOCACHE || join(cache, '..', 'go-build-ocm'),
      },
    });
    child.on('error', (e) => reject(new Error(`cannot run go (is Go installed and on PATH?): ${e.message}`)));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`go build exited ${code}`))));
  });
  log(`built ${binary} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return binary;
}
