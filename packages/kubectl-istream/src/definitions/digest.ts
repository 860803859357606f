import { addOutputFlag } from '../flags.js';
import type { CommandModule } from './command-module.js';

export const digestCommand: CommandModule = {
  register(program, factory) {
    const cmd = program
      .command('digest')
      .description('Print the digest an image reference resolves to, asking the registry (one HEAD request for a tag)')
      .argument('<reference>', 'image reference, e.g. ubuntu:22.04 or quay.io/team/app:v1')
      .option('--platform <os/arch[/variant]>', "the digest of this platform's image inside a multi-platform index")
      .option('--insecure', 'allow plain HTTP and registries whose TLS certificate cannot be verified', false)
      .addHelpText(
        'after',
        `
Credentials come from the docker config ($DOCKER_CONFIG/config.json or ~/.docker/config.json,
with credHelpers and credsStore). CAs: /etc/containers/certs.d/HOST/ca.crt, /etc/docker/certs.d/HOST/ca.crt
and NODE_EXTRA_CA_CERTS.

Examples:
  kubectl istream digest registry.access.redhat.com/ubi8/ubi:8
  kubectl istream digest --platform linux/arm64 quay.io/team/app:v1 -o json`,
      );
    addOutputFlag(cmd, ['json']);
    cmd.action(async (reference: string, opts: { platform?: string; insecure: boolean; output?: 'json' }) =>
      (await import('../commands/digest.js')).runDigest({ reference, ...opts }, factory),
    );
  },
};
