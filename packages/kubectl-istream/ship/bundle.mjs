// Bundles the compiled CLI (dist/src, with @istream/core and every dependency inlined) for what
// users install: node_modules resolution of ~900 files is most of an unbundled start-up.
//   dist/bundle/esm/kubectl-istream.mjs  ESM, split at the commands' dynamic imports, so `--help`
//                                        and `lint` parse neither the Kubernetes nor the registry
//                                        client (the npm package and the controller image run it);
//   dist/bundle/kubectl-istream.cjs      one CommonJS file, what a Node single executable embeds.
// Usage: node ship/bundle.mjs   (after tsc -b; scripts/bootstrap.sh runs both)
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundledBuildInfo } from './bundle-info.mjs';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const out = join(pkgDir, 'dist/bundle');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  // The ESM builds of client-node and yaml, like the unbundled CLI loads.
  mainFields: ['module', 'main'],
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  define: { ISTREAM_BUNDLED_BUILD_INFO: JSON.stringify(bundledBuildInfo()) },
  // client-node's old whatwg-url requires Node's punycode module, which Node 22 (the image's and
  // the executables') warns about on every start; the npm package is the same code.
  alias: { punycode: createRequire(join(pkgDir, 'package.json')).resolve('punycode/punycode.js') },
};

rmSync(out, { recursive: true, force: true });
await Promise.all([
  build({
    ...common,
    entryPoints: { 'kubectl-istream': join(pkgDir, 'dist/src/main.js') },
    outdir: join(out, 'esm'),
    outExtension: { '.js': '.mjs' },
    format: 'esm',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    // Some dependencies are CommonJS and call require() for node builtins.
    banner: {
      js: "import { createRequire as __istreamRequire } from 'node:module'; const require = __istreamRequire(import.meta.url);",
    },
  }),
  build({
    ...common,
    entryPoints: [join(pkgDir, 'dist/src/main.js')],
    outfile: join(out, 'kubectl-istream.cjs'),
    format: 'cjs',
    // import.meta is empty in CommonJS; only build-info.ts reads it, and the define above wins.
    logOverride: { 'empty-import-meta': 'silent' },
  }),
]);
