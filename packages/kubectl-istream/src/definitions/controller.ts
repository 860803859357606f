import type { ControllerOptions } from '../commands/controller.js';
import type { CommandModule } from './command-module.js';

/**
 * Loopback only, as kube-controller-manager's metrics default to secure serving on localhost:
 * /metrics is unauthenticated, so exposing it is a choice (`install` passes `:8080` in the pod).
 */
const defaultMetricsBindAddress = '127.0.0.1:8080';

export const controllerCommand: CommandModule = {
  register(program, factory) {
    program
      .command('controller')
      .description(
        'Run the image stream controller: image-change triggers, spec and scheduled imports, and (with --events-bind-address) imports on registry events',
      )
      .option('--leader-elect', 'hold a coordination.k8s.io Lease so only one replica acts', false)
      .option(
        '--leader-elect-namespace <namespace>',
        'namespace of the leader Lease (default: $POD_NAMESPACE or istream-system)',
      )
      .option('--import-interval <duration>', 'how often tags with importPolicy.scheduled are re-imported', '15m')
      .option(
        '--metrics-bind-address <address>',
        'where /healthz, /readyz and /metrics are served (":8080" for every interface); 0 turns it off',
        defaultMetricsBindAddress,
      )
      .option(
        '--allowed-registries-file <file>',
        "registries imports may use, as OpenShift's allowedRegistriesForImport ([{domainName, insecure}], or an image.config.openshift.io Config); " +
          'by default any registry except loopback, link-local and cluster-internal addresses',
      )
      .option(
        '--admission <mode>',
        'image lookup at admission: webhook (serve it on :8443, as install deploys it), policy (keep the MutatingAdmissionPolicies current) or none',
        'none',
      )
      .option(
        '--events-bind-address <address>',
        'serve registry events (POST /distribution, CNCF Distribution notifications) on this address (":8088" for every interface); off by default',
      )
      .option('--events-token-file <file>', 'file holding the shared token registry events must present')
      .option(
        '--events-token-secret <[namespace/]name>',
        'Secret whose "token" key holds the shared token registry events must present (namespace: $POD_NAMESPACE or istream-system)',
      )
      .option(
        '--events-token-header <header>',
        'header carrying the token: Authorization (as "Bearer TOKEN", the default) or a custom header holding the token alone',
      )
      .option(
        '--events-shutdown-delay <duration>',
        'keep answering registry events this long after SIGTERM, while the Service stops routing to this pod; none by default (install sets 5s)',
      )
      .option(
        '--log-format <format>',
        'log line format: text or json (json: one object per line with ts, level, msg and fields)',
        'text',
      )
      .addHelpText('after', '\nWith -n, only that namespace is watched; without it, every namespace.')
      .action(async (opts: ControllerOptions) =>
        (await import('../commands/controller.js')).runControllerUntilSignal(opts, factory),
      );
  },
};
