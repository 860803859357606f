// kubectl istream install: the ImageStream CRD, the controller's RBAC and, given an image, its Deployment. On OpenShift, whose API server
// serves image.openshift.io itself, no CRD is installed (ours would shadow nothing and confuse oc).
import type { Command } from 'commander';
import { applyObject, waitForCrdEstablished } from '@istream/core/cluster';
import { asUserErrorAsync, openCluster } from '../connect.js';
import { CliError } from '../errors.js';
import { addClusterFlags, addDryRunFlag, addOutputFlag, parseDryRun, type ClusterFlags } from '../flags.js';
import { installManifests, type Manifest } from '../install/manifests.js';
import { toJson, toYaml } from '../printers/objects.js';
import type { CommandModule, Deps } from '../program.js';

export interface InstallOptions extends ClusterFlags {
  dryRun?: unknown;
  output?: 'yaml' | 'json' | 'name';
  image?: string;
}

const GROUPS: Record<string, string> = {
  CustomResourceDefinition: 'customresourcedefinition.apiextensions.k8s.io',
  Namespace: 'namespace',
  ServiceAccount: 'serviceaccount',
  ClusterRole: 'clusterrole.rbac.authorization.k8s.io',
  ClusterRoleBinding: 'clusterrolebinding.rbac.authorization.k8s.io',
  Deployment: 'deployment.apps',
};

const NO_IMAGE_NOTE = 'No controller Deployment was installed: no istream controller image is published yet.\n'
  + 'Run `kubectl istream controller` where a kubeconfig reaches this cluster, or build an image whose\n'
  + 'entrypoint is kubectl-istream and run `kubectl istream install --image IMAGE`.\n';

const qualifiedName = (m: Manifest): string => `${GROUPS[m.kind] ?? m.kind.toLowerCase()}/${m.metadata.name}`;

/** The manifests as `-o` asks: the ones to be applied (dry run), or as the server stored them. */
function printManifests(manifests: Manifest[], output: InstallOptions['output'], deps: Deps): void {
  if (output === 'yaml') deps.io.out.write(manifests.map((m) => toYaml(m)).join('---\n'));
  else if (output === 'json') deps.io.out.write(toJson({ apiVersion: 'v1', kind: 'List', items: manifests, metadata: { resourceVersion: '' } }));
  else deps.io.out.write(manifests.map((m) => `${qualifiedName(m)}\n`).join(''));
}

export async function runInstall(options: InstallOptions, deps: Deps): Promise<void> {
  const dryRun = parseDryRun(options.dryRun);
  if (dryRun === 'server') throw new CliError('install supports --dry-run=client only');
  const image = options.image === undefined ? {} : { image: options.image };
  if (dryRun === 'client') {
    // Printing the manifests needs no cluster; the CRD is left out only when one says it is OpenShift.
    let openshift = false;
    try {
      openshift = (await openCluster(options, deps).client.apiKind()) === 'openshift';
    } catch {
      openshift = false;
    }
    const manifests = installManifests({ includeCrd: !openshift, ...image });
    if (options.output !== undefined) printManifests(manifests, options.output, deps);
    else deps.io.out.write(manifests.map((m) => `${qualifiedName(m)} created (dry run)\n`).join(''));
    return;
  }
  const { client } = openCluster(options, deps);
  await asUserErrorAsync(async () => {
    const openshift = (await client.apiKind()) === 'openshift';
    if (openshift) {
      deps.io.err.write('This cluster is OpenShift: it serves image.openshift.io ImageStreams itself, so no CRD is installed.\n');
    }
    const manifests = installManifests({ includeCrd: !openshift, ...image });
    const applied: Manifest[] = [];
    for (const manifest of manifests) {
      const { outcome, object } = await applyObject(client.connection, manifest as never);
      if (manifest.kind === 'CustomResourceDefinition') await waitForCrdEstablished(client.connection, manifest.metadata.name);
      // The server's answer may lack apiVersion and kind (typed client-node objects); the manifest has them.
      applied.push({ ...object, apiVersion: manifest.apiVersion, kind: manifest.kind } as Manifest);
      if (options.output === undefined) deps.io.out.write(`${qualifiedName(manifest)} ${outcome}\n`);
    }
    if (options.output !== undefined) printManifests(applied, options.output, deps);
    if (options.image === undefined) deps.io.err.write(NO_IMAGE_NOTE);
  });
}

export const installCommand: CommandModule = {
  register(program: Command, deps: Deps) {
    const cmd = program.command('install')
      .description('Install the ImageStream CRD (not on OpenShift) and the istream controller')
      .option('--image <image>', 'controller image (entrypoint kubectl-istream); without it no controller Deployment is installed');
    addDryRunFlag(cmd);
    addOutputFlag(cmd, ['yaml', 'json', 'name']);
    addClusterFlags(cmd);
    // Nothing install creates depends on a namespace (cluster-scoped, or in istream-system), so -n
    // is not offered; it is still accepted, as kubectl accepts it with every command.
    cmd.options.find((option) => option.long === '--namespace')?.hideHelp();
    cmd.action(async (opts: InstallOptions) => runInstall(opts, deps));
  },
};
