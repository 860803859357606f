// `npm run peer -- record [PEER...]`: builds OpenShift's own code from local source trees and
// records its answers as JSON vectors that `npm test` replays against istream. CI has no OpenShift
// source (the Go module proxy refuses those modules), so only this script needs it.
// Each peer is scripts/peer/<name>.mjs exporting `record({ root, log })`; its source directory
// comes from the environment variable the module names.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const peers = readdirSync(join(root, 'scripts', 'peer'))
  .filter((f) => f.endsWith('.mjs') && !f.startsWith('_'))
  .map((f) => f.slice(0, -'.mjs'.length))
  .sort();
const [verb, ...names] = process.argv.slice(2);
const chosen = names.length > 0 ? names : peers;
const unknown = chosen.filter((n) => !peers.includes(n));
if (verb !== 'record' || unknown.length > 0) {
  if (unknown.length > 0) console.error(`unknown peer: ${unknown.join(', ')}`);
  console.error(`usage: npm run peer -- record [${peers.join('|')}]...`);
  process.exit(2);
}
for (const name of chosen) {
  const peer = await import(pathToFileURL(join(root, 'scripts', 'peer', `${name}.mjs`)).href);
  const log = (line) => console.error(`[${name}] ${line}`);
  try {
    await peer.record({ root, log });
  } catch (error) {
    // A recorder's errors already say what to set or fix; the stack adds nothing for the user.
    console.error(`peer ${name}: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
