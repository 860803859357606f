// The npm package users install: `npm install -g kubectl-istream-VERSION.tgz` gives `kubectl
// istream` (and its completion) with nothing else to fetch. The ESM bundle has @istream/core and
// every dependency inlined, so the package declares none and has no workspace links.
// Usage: node ship/npm-package.mjs [--out DIR]   (after the bundle; prints the tarball's path)
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = join(pkgDir, '../..');

/** The wrapper each bin entry is: the completion one puts `__complete` before kubectl's words. */
const launcher = (argsPrefix) => `#!/usr/bin/env node
${argsPrefix ? `process.argv.splice(2, 0, ${JSON.stringify(argsPrefix)});\n` : ''}await import('../lib/kubectl-istream.mjs');
`;

export function buildNpmPackage(out) {
  const source = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const stage = join(out, 'package');
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(join(stage, 'bin'), { recursive: true });
  cpSync(join(pkgDir, 'dist/bundle/esm'), join(stage, 'lib'), { recursive: true });
  for (const [name, prefix] of [
    ['kubectl-istream', ''],
    ['kubectl_complete-istream', '__complete'],
  ]) {
    writeFileSync(join(stage, 'bin', `${name}.mjs`), launcher(prefix));
    chmodSync(join(stage, 'bin', `${name}.mjs`), 0o755);
  }
  cpSync(join(repoRoot, 'LICENSE'), join(stage, 'LICENSE'));
  writeFileSync(
    join(stage, 'README.md'),
    `# kubectl-istream\n\n${source.description}.\n\n` +
      '```sh\nnpm install -g kubectl-istream\nkubectl istream --help\n```\n',
  );
  writeFileSync(
    join(stage, 'package.json'),
    `${JSON.stringify(
      {
        name: source.name,
        version: source.version,
        description: source.description,
        license: source.license,
        type: 'module',
        engines: { node: '>=20.18' },
        bin: {
          'kubectl-istream': 'bin/kubectl-istream.mjs',
          'kubectl_complete-istream': 'bin/kubectl_complete-istream.mjs',
        },
        files: ['bin', 'lib', 'LICENSE', 'README.md'],
      },
      null,
      2,
    )}\n`,
  );
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', out], {
      cwd: stage,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  return join(out, packed[0].filename);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { out: { type: 'string', default: join(pkgDir, 'dist/release') } } });
  mkdirSync(values.out, { recursive: true });
  console.log(buildNpmPackage(values.out));
}
