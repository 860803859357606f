// kubectl istream uninstall: deletes what install creates (every part, whatever flags install was
// run with) and the Lease the controller took, newest first; nothing else. Image streams are user
// data: the CRD (deleting it deletes them all) goes only with --delete-streams, and the install
// namespace stays while streams live in it.
import { deleteObject } from '@istream/core/cluster';
import { CliError } from '../errors.js';
import { parseDryRun } from '../flags.js';
import {
  controllerCreatedObjects,
  INSTALL_NAMESPACE,
  installManifests,
  qualifiedName,
  type Manifest,
} from '../install-manifests.js';
import { checkNamespace } from '../install-placement.js';
import type { Factory } from '../factory.js';

export interface UninstallOptions {
  dryRun?: unknown;
  deleteStreams: boolean;
  installNamespace?: string;
}

export async function runUninstall(options: UninstallOptions, factory: Factory): Promise<void> {
  const dryRun = parseDryRun(options.dryRun);
  if (dryRun === 'server') throw new CliError('uninstall supports --dry-run=client only');
  const namespace = checkNamespace('--install-namespace', options.installNamespace ?? INSTALL_NAMESPACE);
  const { streams } = await factory.cluster();
  const apiKind = await streams.apiKind();
  const kept: string[] = [];
  const everything = [
    // Outside istream-system, install refuses admission (its objects are cluster-wide): leave them alone.
    ...installManifests({
      includeCrd: apiKind !== 'openshift',
      image: 'any',
      namespace,
      ...(namespace === INSTALL_NAMESPACE ? {} : { admission: 'none' as const }),
    }),
    ...controllerCreatedObjects(namespace),
  ].reverse();
  const doomed: Manifest[] = [];
  for (const manifest of everything) {
    if (manifest.kind === 'CustomResourceDefinition' && !options.deleteStreams) {
      kept.push(`${qualifiedName(manifest)} kept: deleting it deletes every image stream (--delete-streams to do so)`);
    } else if (
      manifest.kind === 'Namespace' &&
      !options.deleteStreams &&
      apiKind !== 'absent' &&
      (await streams.list(namespace)).length > 0
    ) {
      kept.push(`${qualifiedName(manifest)} kept: image streams live in it (--delete-streams to delete them too)`);
    } else doomed.push(manifest);
  }
  for (const manifest of doomed) {
    if (dryRun === 'client') {
      factory.io.out.write(`${qualifiedName(manifest)} deleted (dry run)\n`);
      continue;
    }
    if ((await deleteObject(streams.connection, manifest as never)) === 'deleted')
      factory.io.out.write(`${qualifiedName(manifest)} deleted\n`);
  }
  for (const line of kept) factory.io.err.write(`${line}\n`);
}
