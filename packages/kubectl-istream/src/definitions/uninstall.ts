import type { UninstallOptions } from '../commands/uninstall.js';
import { addDryRunFlag } from '../flags.js';
import type { CommandModule } from './command-module.js';
import { hideNamespaceFlag } from './install.js';

export const uninstallCommand: CommandModule = {
  register(program, factory) {
    const cmd = program
      .command('uninstall')
      .description('Remove what install created (controller, RBAC, namespace); image streams and their CRD stay')
      .option(
        '--delete-streams',
        'also delete the ImageStream CRD, and with it every image stream in the cluster',
        false,
      )
      .option(
        '--install-namespace <namespace>',
        'the namespace install put the controller in (default: istream-system)',
      );
    addDryRunFlag(cmd);
    hideNamespaceFlag(cmd);
    cmd.action(async (opts: UninstallOptions) =>
      (await import('../commands/uninstall.js')).runUninstall(opts, factory),
    );
  },
};
