import type { ControllerOptions } from '../commands/controller.js';
import type { CommandModule } from './command-module.js';

export const controllerCommand: CommandModule = {
  register(program, factory) {
    program.command('controller')
      .description('Run the image stream controller: image-change triggers, spec and scheduled imports')
      .option('--leader-elect', 'hold a coordination.k8s.io Lease so only one replica acts', false)
      .option('--leader-elect-namespace <namespace>', 'namespace of the leader Lease (default: $POD_NAMESPACE or istream-system)')
      .option('--import-interval <duration>', 'how often tags with importPolicy.scheduled are re-imported', '15m')
      .option('--metrics-bind-address <address>', 'where /healthz, /readyz and /metrics are served; 0 turns it off', ':8080')
      .addHelpText('after', '\nWith -n, only that namespace is watched; without it, every namespace.')
      .action(async (opts: ControllerOptions) => (await import('../commands/controller.js')).runControllerUntilSignal(opts, factory));
  },
};
