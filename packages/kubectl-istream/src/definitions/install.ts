import type { InstallOptions } from '../commands/install.js';
import { addDryRunFlag, addOutputFlag } from '../flags.js';
import type { CommandModule } from './command-module.js';

export const installCommand: CommandModule = {
  register(program, factory) {
    const cmd = program.command('install')
      .description('Install the ImageStream CRD (not on OpenShift) and the istream controller')
      .option('--image <image>', 'controller image (entrypoint kubectl-istream); without it no controller Deployment is installed');
    addDryRunFlag(cmd);
    addOutputFlag(cmd, ['yaml', 'json', 'name']);
    cmd.action(async (opts: InstallOptions) => (await import('../commands/install.js')).runInstall(opts, factory));
  },
};
