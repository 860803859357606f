// `npm run bench -- NAME [args]`: runs bench/NAME/run.mjs on the built workspace; with no NAME,
// lists the benchmarks. Results go to the terminal; BENCHMARKS.md records them with the command.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const benches = readdirSync(join(root, 'bench')).filter((d) => existsSync(join(root, 'bench', d, 'run.mjs')));
const [name, ...rest] = process.argv.slice(2);
if (!name || !benches.includes(name)) {
  console.error(`usage: npm run bench -- <${benches.join('|')}> [args]`);
  process.exit(name ? 2 : 0);
}
const result = spawnSync(process.execPath, [join(root, 'bench', name, 'run.mjs'), ...rest], { stdio: 'inherit' });
process.exit(result.status ?? 1);
