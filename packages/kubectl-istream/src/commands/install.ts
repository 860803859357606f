// kubectl istream install: the ImageStream CRD, the controller's RBAC, the controller (Deployment,
// metrics Service, PodDisruptionBudget) and its admission objects. Run again, it upgrades in place.
// On OpenShift, whose API server serves image.openshift.io itself (image lookup and the stream
// strategy included), no CRD and no admission objects are installed: ours would shadow nothing and
// confuse oc.
import {
  applyObject,
  groupVersionPath,
  kubeClient,
  waitForCrdEstablished,
  type ClusterConnection,
} from '@istream/core/cluster';
import { buildInfo } from '../build-info.js';
import { CliError } from '../errors.js';
import { parseDryRun } from '../flags.js';
import {
  INSTALL_NAMESPACE,
  installManifests,
  qualifiedName,
  type AdmissionMode,
  type Manifest,
} from '../install-manifests.js';
import { checkNamespace, parsePlacement } from '../install-placement.js';
import { toJson, toYaml } from '../printers/objects.js';
import type { Factory } from '../factory.js';

export interface InstallOptions {
  dryRun?: unknown;
  output?: 'yaml' | 'json' | 'name';
  /** Required with the controller: no image is published to default to. */
  image?: string;
  /** false with --no-controller. */
  controller: boolean;
  admission?: AdmissionMode;
  events?: boolean;
  installNamespace?: string;
  watchNamespace?: string;
  /** KEY=VALUE items, checked by parsePlacement. */
  nodeSelector?: string[];
  /** KEY[=VALUE][:EFFECT] items, checked by parsePlacement. */
  toleration?: string[];
}

/**
 * No controller image is published anywhere, so a default would make a Deployment whose pods can
 * never pull: refuse before anything is written, and say how to get an image.
 */
function missingImage(version: string): CliError {
  const ref = `REGISTRY/istream-controller:${version}`;
  return new CliError(
    'install needs --image: istream publishes no controller image.\n' +
      'Build one and push it to a registry your cluster pulls from (in a clone of istream), then install it:\n' +
      `  npm run image -- --push ${ref}\n` +
      `  kubectl istream install --image ${ref}\n` +
      'Or install --no-controller and run `kubectl istream controller` where a kubeconfig reaches the cluster.',
  );
}

const NO_CONTROLLER_NOTE =
  'No controller was installed (--no-controller): run `kubectl istream controller` where a\n' +
  'kubeconfig reaches this cluster.\n';

/** The manifests as `-o` asks: the ones to be applied (dry run), or as the server stored them. */
function printManifests(manifests: Manifest[], output: InstallOptions['output'], factory: Factory): void {
  if (output === 'yaml') factory.io.out.write(manifests.map((m) => toYaml(m)).join('---\n'));
  else if (output === 'json')
    factory.io.out.write(
      toJson({ apiVersion: 'v1', kind: 'List', items: manifests, metadata: { resourceVersion: '' } }),
    );
  else factory.io.out.write(manifests.map((m) => `${qualifiedName(m)}\n`).join(''));
}

/** --admission=policy needs admissionregistration.k8s.io/v1 MutatingAdmissionPolicy (GA in Kubernetes 1.36). */
async function requireMutatingAdmissionPolicy(connection: ClusterConnection): Promise<void> {
  const discovery = await kubeClient(connection).call<{ resources?: Array<{ name: string }> }>(
    groupVersionPath('admissionregistration.k8s.io/v1'),
  );
  if (!discovery.resources?.some((r) => r.name === 'mutatingadmissionpolicies')) {
    throw new CliError(
      '--admission=policy: this cluster does not serve admissionregistration.k8s.io/v1 MutatingAdmissionPolicy ' +
        '(Kubernetes 1.36 and later do); install with --admission=webhook instead',
    );
  }
}

export async function runInstall(options: InstallOptions, factory: Factory): Promise<void> {
  const dryRun = parseDryRun(options.dryRun);
  if (dryRun === 'server') throw new CliError('install supports --dry-run=client only');
  // Flags are checked before anything is read or applied: a typo must not leave half an install.
  const namespace = checkNamespace('--install-namespace', options.installNamespace ?? INSTALL_NAMESPACE);
  const watchNamespace =
    options.watchNamespace === undefined ? undefined : checkNamespace('--watch-namespace', options.watchNamespace);
  const placement = parsePlacement(options.nodeSelector ?? [], options.toleration ?? []);
  let image: { image?: string } = {};
  if (options.controller) {
    if (!options.image) throw missingImage(buildInfo().version);
    image = { image: options.image };
  }
  const mode = options.admission ?? 'webhook';
  // The webhook is served by the controller's pods: without them (--no-controller) its objects
  // would point at nothing. The policy backend needs no pod, only a controller somewhere.
  const admission = (openshift: boolean): AdmissionMode =>
    openshift || (mode === 'webhook' && !options.controller) ? 'none' : mode;
  // The admission objects are cluster-wide under fixed names: a second install would take them
  // over, and its uninstall would delete the first one's.
  if (namespace !== INSTALL_NAMESPACE && admission(false) !== 'none') {
    throw new CliError(
      `--install-namespace ${namespace}: image lookup at admission is cluster-wide and served from ${INSTALL_NAMESPACE}; ` +
        'add --admission=none',
    );
  }
  const manifestsFor = (openshift: boolean): Manifest[] =>
    installManifests({
      includeCrd: !openshift,
      namespace,
      watchNamespace,
      placement,
      ...image,
      admission: admission(openshift),
      events: options.events,
    });
  if (dryRun === 'client') {
    // Printing the manifests needs no cluster; the CRD is left out only when one says it is OpenShift.
    let openshift = false;
    try {
      openshift = (await (await factory.cluster()).streams.apiKind()) === 'openshift';
    } catch {
      openshift = false;
    }
    const manifests = manifestsFor(openshift);
    if (options.output !== undefined) printManifests(manifests, options.output, factory);
    else factory.io.out.write(manifests.map((m) => `${qualifiedName(m)} created (dry run)\n`).join(''));
    return;
  }
  const { streams: client } = await factory.cluster();
  if (options.admission === 'policy') await requireMutatingAdmissionPolicy(client.connection);
  const openshift = (await client.apiKind()) === 'openshift';
  if (openshift) {
    factory.io.err.write(
      'This cluster is OpenShift: it serves image.openshift.io ImageStreams itself, so no CRD is installed.\n' +
        'Its API server also does image lookup and the image stream strategy, so no admission objects are installed.\n',
    );
  }
  const manifests = manifestsFor(openshift);
  const applied: Manifest[] = [];
  for (const manifest of manifests) {
    const { outcome, object } = await applyObject(client.connection, manifest as never);
    if (manifest.kind === 'CustomResourceDefinition')
      await waitForCrdEstablished(client.connection, manifest.metadata.name);
    applied.push(object as Manifest);
    if (options.output === undefined) factory.io.out.write(`${qualifiedName(manifest)} ${outcome}\n`);
  }
  if (options.output !== undefined) printManifests(applied, options.output, factory);
  if (!options.controller) factory.io.err.write(NO_CONTROLLER_NOTE);
}
