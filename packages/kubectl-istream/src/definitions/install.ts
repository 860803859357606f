import { Help, Option } from 'commander';
import type { InstallOptions } from '../commands/install.js';
import { addDryRunFlag, addOutputFlag } from '../flags.js';
import type { CommandModule } from './command-module.js';

export const installCommand: CommandModule = {
  register(program, factory) {
    const cmd = program.command('install')
      .description('Install the ImageStream CRD (not on OpenShift) and the istream controller')
      .option('--image <image>', 'controller image (entrypoint kubectl-istream); without it no controller Deployment is installed')
      .addOption(new Option('--admission <mode>', 'image lookup at admission: the controller\'s webhook, a MutatingAdmissionPolicy (Kubernetes 1.36+), or none')
        .choices(['webhook', 'policy', 'none']).default('webhook'))
      .option('--events', 'serve registry events on the controller, behind the Service istream-registry-events; '
        + 'the controller waits for the Secret istream-registry-events (key "token") in istream-system', false);
    addDryRunFlag(cmd);
    addOutputFlag(cmd, ['yaml', 'json', 'name']);
    // -n stays accepted (kubectl takes it with every command), but nothing install creates depends
    // on a namespace (cluster-scoped, or in istream-system), so its help does not offer it.
    cmd.configureHelp({
      showGlobalOptions: true,
      visibleGlobalOptions(this: Help, command) {
        return Help.prototype.visibleGlobalOptions.call(this, command).filter((option) => option.long !== '--namespace');
      },
    });
    cmd.action(async (opts: InstallOptions) => (await import('../commands/install.js')).runInstall(opts, factory));
  },
};
