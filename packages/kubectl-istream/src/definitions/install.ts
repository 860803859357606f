import { Help, Option, type Command } from 'commander';
import type { InstallOptions } from '../commands/install.js';
import { addDryRunFlag, addOutputFlag, collect } from '../flags.js';
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

const INSTALL_HELP = `
Examples:
  # The controller image you built and pushed with \`npm run image -- --push REF\`
  kubectl istream install --image registry.example.com/istream-controller:0.1.0

  # On dedicated nodes, labelled and tainted dedicated=istream
  kubectl istream install --image registry.example.com/istream-controller:0.1.0 --node-selector dedicated=istream --toleration dedicated=istream:NoSchedule

  # A second install, in a namespace of its own, that acts on the namespace team-a only
  kubectl istream install --image registry.example.com/istream-controller:0.1.0 --install-namespace team-a-istream --watch-namespace team-a --admission=none
`;

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
          'the controller waits for the Secret istream-registry-events (key "token") in its namespace',
        false,
      )
      .option(
        '--install-namespace <namespace>',
        'namespace for the controller and its ServiceAccount, Lease and Services (default: istream-system); ' +
          'outside istream-system the ClusterRole and ClusterRoleBinding are named istream-controller-<namespace>, ' +
          'and --admission=none is required (image lookup is served from istream-system)',
      )
      .option(
        '--watch-namespace <namespace>',
        'the one namespace whose streams and workloads the controller acts on (default: every namespace)',
      )
      .option(
        '--node-selector <key=value>',
        "a node label the controller's pods require (repeat for several), e.g. node-role.kubernetes.io/infra=",
        collect,
      )
      .option(
        '--toleration <key[=value][:effect]>',
        "a taint the controller's pods tolerate (repeat for several), in kubectl taint's syntax; " +
          'without a value any value matches, without an effect every effect',
        collect,
      );
    cmd.addHelpText('after', INSTALL_HELP);
    addDryRunFlag(cmd);
    addOutputFlag(cmd, ['yaml', 'json', 'name']);
    // Nothing install creates depends on -n (cluster-scoped, or in --install-namespace).
    hideNamespaceFlag(cmd);
    cmd.action(async (opts: InstallOptions) => (await import('../commands/install.js')).runInstall(opts, factory));
  },
};
