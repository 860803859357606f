import type { VersionOptions } from '../commands/version.js';
import { addOutputFlag } from '../flags.js';
import type { CommandModule } from './command-module.js';

export const versionCommand: CommandModule = {
  register(program, factory) {
    const cmd = program
      .command('version')
      .description('Print the plugin version and commit, and the version of the controller installed in the cluster')
      .option('--client', 'only the plugin: do not ask the cluster', false);
    addOutputFlag(cmd, ['json', 'yaml']);
    cmd.action(async (opts: VersionOptions) => (await import('../commands/version.js')).runVersion(opts, factory));
  },
};
