// Building `oc` from a source snapshot, and running it with a controlled environment.
import { spawn } from 'node:child_process';
import { Buffer } from 'node:buffer';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** oc's release build tags; gssapi needs libkrb5's headers (scripts/bootstrap.sh installs libkrb5-dev). */
const TAGS = 'include_gcs include_oss containers_image_openpgp gssapi';

/** Runs a command to completion; never throws on a non-zero exit. */
export function run(command, args, env, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }),
    );
  });
}

/** oc with klog quiet and no colour, so its output is the same on every machine. */
export function runOc(oc, args, env) {
  return run(oc, args, { ...env, NO_COLOR: '1', TERM: 'dumb' });
}

/**
 * Builds oc into CACHE/oc offline (vendor/ only). Go's build cache makes a second build of the
 * same sources a link step; the first takes 10-25 minutes on two loaded cores.
 */
export async function buildOc(src, cache, log) {
  mkdirSync(cache, { recursive: true });
  const out = join(cache, 'oc');
  log(`building oc from ${src} (cold: 10-25 min)`);
  const started = Date.now();
  const r = await run(
    'go',
    ['build', '-tags', TAGS, '-o', out, './cmd/oc'],
    {
      HOME: process.env.HOME,
      GOCACHE: process.env.GOCACHE ?? '',
      GOPATH: process.env.GOPATH ?? '',
      GOFLAGS: '-mod=vendor',
      GOPROXY: 'off',
    },
    { cwd: src },
  );
  if (r.code !== 0) throw new Error(`building oc failed:\n${r.stderr}`);
  log(`oc built in ${Math.round((Date.now() - started) / 1000)} s`);
  return out;
}
