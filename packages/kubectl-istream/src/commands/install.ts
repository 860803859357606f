// kubectl istream install: the ImageStream CRD, the controller's RBAC and the controller (Deployment,
// metrics Service, PodDisruptionBudget). Run again, it upgrades in place. On OpenShift, whose API
// server serves image.openshift.io itself, no CRD is installed (ours would shadow nothing and confuse oc).
import { applyObject, waitForCrdEstablished } from '@istream/core/cluster';
import { CliError } from '../errors.js';
import { parseDryRun } from '../flags.js';
import { installManifests, qualifiedName, type Manifest } from '../install-manifests.js';
import { toJson, toYaml } from '../printers/objects.js';
import type { Factory } from '../factory.js';

export interface InstallOptions {
  dryRun?: unknown;
  output?: 'yaml' | 'json' | 'name';
  image: string;
  /** false with --no-controller. */
  controller: boolean;
}

const NO_CONTROLLER_NOTE = 'No controller was installed (--no-controller): run `kubectl istream controller` where a\n'
  + 'kubeconfig reaches this cluster.\n';

/** The manifests as `-o` asks: the ones to be applied (dry run), or as the server stored them. */
function printManifests(manifests: Manifest[], output: InstallOptions['output'], factory: Factory): void {
  if (output === 'yaml') factory.io.out.write(manifests.map((m) => toYaml(m)).join('---\n'));
  else if (output === 'json') factory.io.out.write(toJson({ apiVersion: 'v1', kind: 'List', items: manifests, metadata: { resourceVersion: '' } }));
  else factory.io.out.write(manifests.map((m) => `${qualifiedName(m)}\n`).join(''));
}

export async function runInstall(options: InstallOptions, factory: Factory): Promise<void> {
  const dryRun = parseDryRun(options.dryRun);
  if (dryRun === 'server') throw new CliError('install supports --dry-run=client only');
  const image = options.controller ? { image: options.image } : {};
  if (dryRun === 'client') {
    // Printing the manifests needs no cluster; the CRD is left out only when one says it is OpenShift.
    let openshift = false;
    try {
      openshift = (await (await factory.cluster()).streams.apiKind()) === 'openshift';
    } catch {
      openshift = false;
    }
    const manifests = installManifests({ includeCrd: !openshift, ...image });
    if (options.output !== undefined) printManifests(manifests, options.output, factory);
    else factory.io.out.write(manifests.map((m) => `${qualifiedName(m)} created (dry run)\n`).join(''));
    return;
  }
  const { streams: client } = await factory.cluster();
  const openshift = (await client.apiKind()) === 'openshift';
  if (openshift) {
    factory.io.err.write('This cluster is OpenShift: it serves image.openshift.io ImageStreams itself, so no CRD is installed.\n');
  }
  const manifests = installManifests({ includeCrd: !openshift, ...image });
  const applied: Manifest[] = [];
  for (const manifest of manifests) {
    const { outcome, object } = await applyObject(client.connection, manifest as never);
    if (manifest.kind === 'CustomResourceDefinition') await waitForCrdEstablished(client.connection, manifest.metadata.name);
    applied.push(object as Manifest);
    if (options.output === undefined) factory.io.out.write(`${qualifiedName(manifest)} ${outcome}\n`);
  }
  if (options.output !== undefined) printManifests(applied, options.output, factory);
  if (!options.controller) factory.io.err.write(NO_CONTROLLER_NOTE);
}
