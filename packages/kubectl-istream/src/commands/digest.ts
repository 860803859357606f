import type { Command } from 'commander';
import { InvalidReferenceError, parseImageReference, referenceString } from '@istream/core/reference';
import {
  InvalidPlatformError, RegistryClient, RegistryError, dockerConfigCredentials, formatPlatform, parsePlatform,
  type ResolvedImage,
} from '@istream/core/registry';
import { CliError } from '../errors.js';
import { addOutputFlag } from '../flags.js';
import type { CommandModule, Deps } from '../program.js';
import { requestLogger, verbosityOf } from '../request-log.js';

export interface DigestOptions {
  /** The image reference as typed. */
  reference: string;
  /** `os/arch[/variant]`: the digest of that platform's image inside an index. */
  platform?: string;
  /** Allow plain HTTP and unverified TLS. */
  insecure?: boolean;
  output?: 'json';
  /** `-v`: 6 and above log every registry request to stderr. */
  verbosity?: number;
}

/** What `-o json` prints. */
export interface DigestJson {
  reference: string;
  digest: string;
  mediaType: string;
  /** With --platform on an index: the index the digest was chosen from. */
  index?: { digest: string; mediaType: string };
  /** Each image's platform and digest (the index's entries, or the single image's own platform). */
  platforms: Array<{ platform: string; digest: string; mediaType: string }>;
}

export async function runDigest(options: DigestOptions, deps: Deps): Promise<void> {
  let reference;
  let platform;
  try {
    reference = parseImageReference(options.reference);
    platform = options.platform !== undefined ? parsePlatform(options.platform) : undefined;
  } catch (e) {
    if (e instanceof InvalidReferenceError || e instanceof InvalidPlatformError) throw new CliError(e.message);
    throw e;
  }
  const client = new RegistryClient({
    credentials: dockerConfigCredentials({ env: deps.env }),
    env: deps.env,
    insecure: options.insecure === true,
    ...requestLogger(deps.io, options.verbosity),
  });
  let resolved: ResolvedImage;
  try {
    resolved = await client.resolve(reference, { ...(platform ? { platform } : {}), listPlatforms: options.output === 'json' });
  } catch (e) {
    if (e instanceof RegistryError) throw new CliError(e.message);
    throw e;
  } finally {
    await client.close();
  }
  if (options.output !== 'json') {
    deps.io.out.write(`${resolved.digest}\n`);
    return;
  }
  deps.io.out.write(`${JSON.stringify(toJson(resolved), null, 2)}\n`);
}

function toJson(resolved: ResolvedImage): DigestJson {
  const platforms = resolved.manifests
    ? resolved.manifests.map((m) => ({ platform: m.platform ? formatPlatform(m.platform) : 'unknown', digest: m.digest, mediaType: m.mediaType }))
    : resolved.platform ? [{ platform: formatPlatform(resolved.platform), digest: resolved.digest, mediaType: resolved.mediaType }] : [];
  return {
    reference: referenceString(resolved.reference),
    digest: resolved.digest,
    mediaType: resolved.mediaType,
    ...(resolved.index ? { index: resolved.index } : {}),
    platforms,
  };
}

export const digestCommand: CommandModule = {
  register(program: Command, deps: Deps) {
    const cmd = program
      .command('digest')
      .description('Print the digest an image reference resolves to, asking the registry (one HEAD request for a tag)')
      .argument('<reference>', 'image reference, e.g. ubuntu:22.04 or quay.io/team/app:v1')
      .option('--platform <os/arch[/variant]>', 'the digest of this platform\'s image inside a multi-platform index')
      .option('--insecure', 'allow plain HTTP and registries whose TLS certificate cannot be verified', false)
      .addHelpText('after', `
Credentials come from the docker config ($DOCKER_CONFIG/config.json or ~/.docker/config.json,
with credHelpers and credsStore). CAs: /etc/containers/certs.d/HOST/ca.crt, /etc/docker/certs.d/HOST/ca.crt
and NODE_EXTRA_CA_CERTS.

Examples:
  kubectl istream digest registry.access.redhat.com/ubi8/ubi:8
  kubectl istream digest --platform linux/arm64 quay.io/team/app:v1 -o json`);
    addOutputFlag(cmd, ['json']);
    cmd.action(async (reference: string, opts: { platform?: string; insecure: boolean; output?: 'json' }, self: Command) => {
      await runDigest({ reference, ...opts, verbosity: verbosityOf(self) }, deps);
    });
  },
};
