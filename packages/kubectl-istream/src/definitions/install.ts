import { Help, Option, type Command } from 'commander';
import type { InstallOptions } from '../commands/install.js';
import { addDryRunFlag, addOutputFlag } from '../flags.js';
import type { CommandModule } from './command-module.js';

/** -n stays accepted (kubectl takes it with every command) but is not offered: nothing depends on it. */
export function hideNamespaceFlag(cmd: Command): void {
  cmd.configureHelp({
    showGlobalOptions: true,
    visibleGlobalOptions(this: Help, command) {
      return Help.prototype.visibleGlobalOptions.call(this, command).filter((option) => option.long !== '--namespace');
    },
  });
}

export const installCommand: CommandModule = {
  register(program, factory) {
    const cmd = program
      .command('install')
      .description('Install (or upgrade in place) the ImageStream CRD (not on OpenShift) and the istream controller')
      .option(
        '--image <image>',
        'controller image, as `npm run image -- --push REF` builds and pushes it (needed unless --no-controller: none is published)',
      )
      .option(
        '--no-controller',
        'leave the controller out (CRD and RBAC only): run `kubectl istream controller` yourself',
      )
      .addOption(
        new Option(
          '--admission <mode>',
          "image lookup at admission: the controller's webhook, a MutatingAdmissionPolicy (Kubernetes 1.36+), or none",
        )
          .choices(['webhook', 'policy', 'none'])
          .default('webhook'),
      )
      .option(
        '--events',
        'serve registry events on the controller, behind the Service istream-registry-events; ' +
          'the controller waits for the Secret istream-registry-events (key "token") in istream-system',
        false,
      );
    addDryRunFlag(cmd);
    addOutputFlag(cmd, ['yaml', 'json', 'name']);
    // Nothing install creates depends on -n (cluster-scoped, or in istream-system).
    hideNamespaceFlag(cmd);
    cmd.action(async (opts: InstallOptions) => (await import('../commands/install.js')).runInstall(opts, factory));
  },
};
