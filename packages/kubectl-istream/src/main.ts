import { runCli } from './program.js';

// No top-level await: the single-file executable's bundle is CommonJS, which has none.
void runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
