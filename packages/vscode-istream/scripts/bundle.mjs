// Bundles the extension as it ships: extension.cjs (the extension host's side), language-worker.cjs
// (the language service's thread), and two chunks the worker loads only when it first needs them:
// cluster-lookups.cjs (the Kubernetes client) and registry-lookups.cjs (the registry client).
// Together those two are four fifths of the code and take over a second to load; validation needs
// neither, so the first diagnostic never waits for them. VS Code 1.100 loads extensions as
// CommonJS, where esbuild cannot split code, so each chunk is an entry point of its own and the
// worker's `import('./cluster-lookups.js')` becomes a require of the chunk beside it.
// Usage: node scripts/bundle.mjs [--outdir=DIR] [--metafile=FILE]
import { writeFile } from 'node:fs/promises';
import process from 'node:process';
import { build } from 'esbuild';

const option = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const outdir = option('outdir') ?? 'out';
const metafile = option('metafile');

const lazyChunks = ['cluster-lookups', 'registry-lookups'];
const chunkImport = new RegExp(`^\\./(${lazyChunks.join('|')})\\.js$`);

/** A dynamic import of a chunk stays a load of the chunk's own file; a static one would inline it. */
const loadChunksLazily = {
  name: 'load-chunks-lazily',
  setup(b) {
    b.onResolve({ filter: chunkImport }, (args) =>
      args.kind === 'dynamic-import' ? { path: args.path.replace(/\.js$/, '.cjs'), external: true } : undefined,
    );
  },
};

const result = await build({
  entryPoints: ['extension', 'language-worker', ...lazyChunks].map((name) => `dist/src/${name}.js`),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  mainFields: ['module', 'main'],
  outdir,
  outExtension: { '.js': '.cjs' },
  minify: true,
  logLevel: 'warning',
  metafile: metafile !== undefined,
  plugins: [loadChunksLazily],
});
if (metafile) await writeFile(metafile, JSON.stringify(result.metafile));
