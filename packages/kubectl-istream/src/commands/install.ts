// kubectl istream install: the ImageStream CRD, the controller's RBAC and, given an image, its Deployment. On OpenShift, whose API server
// serves image.openshift.io itself, no CRD is installed (ours would shadow nothing and confuse oc).
import { applyObject, groupVersionPath, kubeClient, waitForCrdEstablished, type ClusterConnection } from '@istream/core/cluster';
import { CliError } from '../errors.js';
import { parseDryRun } from '../flags.js';
import { installManifests, type AdmissionMode, type Manifest } from '../install-manifests.js';
import { toJson, toYaml } from '../printers/objects.js';
import type { Factory } from '../factory.js';

export interface InstallOptions {
  dryRun?: unknown;
  output?: 'yaml' | 'json' | 'name';
  image?: string;
  admission?: AdmissionMode;
  events?: boolean;
}

const GROUPS: Record<string, string> = {
  CustomResourceDefinition: 'customresourcedefinition.apiextensions.k8s.io',
  Namespace: 'namespace',
  ServiceAccount: 'serviceaccount',
  ClusterRole: 'clusterrole.rbac.authorization.k8s.io',
  ClusterRoleBinding: 'clusterrolebinding.rbac.authorization.k8s.io',
  Deployment: 'deployment.apps',
  Service: 'service',
  Role: 'role.rbac.authorization.k8s.io',
  RoleBinding: 'rolebinding.rbac.authorization.k8s.io',
  MutatingWebhookConfiguration: 'mutatingwebhookconfiguration.admissionregistration.k8s.io',
  MutatingAdmissionPolicy: 'mutatingadmissionpolicy.admissionregistration.k8s.io',
  MutatingAdmissionPolicyBinding: 'mutatingadmissionpolicybinding.admissionregistration.k8s.io',
  ValidatingAdmissionPolicy: 'validatingadmissionpolicy.admissionregistration.k8s.io',
  ValidatingAdmissionPolicyBinding: 'validatingadmissionpolicybinding.admissionregistration.k8s.io',
};

const NO_IMAGE_NOTE = 'No controller Deployment was installed: no istream controller image is published yet.\n'
  + 'Run `kubectl istream controller` where a kubeconfig reaches this cluster, or build an image whose\n'
  + 'entrypoint is kubectl-istream and run `kubectl istream install --image IMAGE`.\n';

const qualifiedName = (m: Manifest): string => `${GROUPS[m.kind] ?? m.kind.toLowerCase()}/${m.metadata.name}`;

/** The manifests as `-o` asks: the ones to be applied (dry run), or as the server stored them. */
function printManifests(manifests: Manifest[], output: InstallOptions['output'], factory: Factory): void {
  if (output === 'yaml') factory.io.out.write(manifests.map((m) => toYaml(m)).join('---\n'));
  else if (output === 'json') factory.io.out.write(toJson({ apiVersion: 'v1', kind: 'List', items: manifests, metadata: { resourceVersion: '' } }));
  else factory.io.out.write(manifests.map((m) => `${qualifiedName(m)}\n`).join(''));
}

/** --admission=policy needs admissionregistration.k8s.io/v1 MutatingAdmissionPolicy (GA in Kubernetes 1.36). */
async function requireMutatingAdmissionPolicy(connection: ClusterConnection): Promise<void> {
  const discovery = await kubeClient(connection).call<{ resources?: Array<{ name: string }> }>(groupVersionPath('admissionregistration.k8s.io/v1'));
  if (!discovery.resources?.some((r) => r.name === 'mutatingadmissionpolicies')) {
    throw new CliError('--admission=policy: this cluster does not serve admissionregistration.k8s.io/v1 MutatingAdmissionPolicy '
      + '(Kubernetes 1.36 and later do); install with --admission=webhook instead');
  }
}

export async function runInstall(options: InstallOptions, factory: Factory): Promise<void> {
  const dryRun = parseDryRun(options.dryRun);
  if (dryRun === 'server') throw new CliError('install supports --dry-run=client only');
  const image = options.image === undefined ? {} : { image: options.image };
  // OpenShift's API server does image lookup and the stream strategy itself: no CRD, no admission.
  const manifestsFor = (openshift: boolean): Manifest[] =>
    installManifests({ includeCrd: !openshift, ...image, admission: openshift ? 'none' : options.admission ?? 'webhook', events: options.events });
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
    factory.io.err.write('This cluster is OpenShift: it serves image.openshift.io ImageStreams itself, so no CRD is installed.\n'
      + 'Its API server also does image lookup and the image stream strategy, so no admission objects are installed.\n');
  }
  const manifests = manifestsFor(openshift);
  const applied: Manifest[] = [];
  for (const manifest of manifests) {
    const { outcome, object } = await applyObject(client.connection, manifest as never);
    if (manifest.kind === 'CustomResourceDefinition') await waitForCrdEstablished(client.connection, manifest.metadata.name);
    applied.push(object as Manifest);
    if (options.output === undefined) factory.io.out.write(`${qualifiedName(manifest)} ${outcome}\n`);
  }
  if (options.output !== undefined) printManifests(applied, options.output, factory);
  if (options.image === undefined) factory.io.err.write(NO_IMAGE_NOTE);
}
