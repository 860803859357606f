import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sha256Digest } from './digest.js';
import type { RegistryInstance } from './start-registry.js';

const run = promisify(execFile);

export interface SkopeoOptions {
  /** Leave the account out (`--no-creds`) even where the registry has one. */
  anonymous?: boolean;
}

/**
 * The flags skopeo needs for this registry: `--cert-dir` for the test CA or `--tls-verify=false`
 * for plain HTTP, and `--creds` or `--no-creds` (never the user's stored logins).
 */
export function skopeoFlags(registry: RegistryInstance, options: SkopeoOptions = {}): string[] {
  const trust = registry.certDir ? ['--cert-dir', registry.certDir] : ['--tls-verify=false'];
  const { username, password } = registry;
  const account = username && password && !options.anonymous ? ['--creds', `${username}:${password}`] : ['--no-creds'];
  return [...trust, ...account];
}

/**
 * `skopeo inspect` of `docker://REFERENCE`: the digest skopeo reports and the sha256 of the raw
 * manifest it reads. Runs asynchronously on purpose: in token mode the token server lives in
 * this process and must keep answering while skopeo waits.
 */
export async function skopeoInspectDigests(
  registry: RegistryInstance,
  reference: string,
  options: SkopeoOptions = {},
): Promise<{ reported: string; raw: string }> {
  const inspect = (extra: string[]): Promise<Buffer> =>
    run('skopeo', ['inspect', ...skopeoFlags(registry, options), ...extra, `docker://${reference}`], {
      encoding: 'buffer',
      maxBuffer: 16 << 20,
    }).then(({ stdout }) => stdout);
  const [reported, raw] = await Promise.all([inspect(['--format', '{{.Digest}}']), inspect(['--raw'])]);
  return { reported: reported.toString('utf8').trim(), raw: sha256Digest(raw) };
}
