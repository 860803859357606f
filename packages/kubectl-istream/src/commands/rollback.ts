import { parseStreamTag, pinTag, resumeTag, RollbackError, type ImageStream, type RollbackTarget } from '@istream/core/imagestream';
import { addClusterFlags, addDryRunFlag, parseDryRun, type ClusterFlags } from '../flags.js';
import { openCluster } from '../connect.js';
import { CliError } from '../errors.js';
import type { CommandModule, Deps } from '../program.js';

export interface RollbackOptions extends ClusterFlags {
  toRevision?: string;
  toImage?: string;
  resume?: boolean;
  dryRun?: unknown;
  /** For tests: the clock used for the new history item. */
  now?: () => Date;
}

function target(options: RollbackOptions): RollbackTarget {
  if (options.toRevision !== undefined && options.toImage !== undefined) {
    throw new CliError('--to-revision and --to-image cannot be used together: pick one');
  }
  if (options.toRevision !== undefined) {
    const revision = Number(options.toRevision);
    if (!Number.isInteger(revision) || revision < 1) {
      throw new CliError(`invalid --to-revision "${options.toRevision}": use a revision number from "kubectl istream describe is", 1 or more`);
    }
    return { revision };
  }
  if (options.toImage !== undefined) {
    if (!/^(sha256:)?[0-9a-f]{4,64}$/.test(options.toImage)) {
      throw new CliError(`invalid --to-image "${options.toImage}": use an image digest such as sha256:0a1b2c... (at least 4 hex digits)`);
    }
    return { image: options.toImage };
  }
  return { previous: true };
}

/**
 * Pins STREAM:TAG to an earlier image of its history (or, with --resume, lets it track its source
 * again). Every workload whose trigger follows the tag rolls with it.
 */
export async function runRollback(streamTag: string, options: RollbackOptions, deps: Deps): Promise<void> {
  let name;
  try {
    name = parseStreamTag(streamTag);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  if (!name.explicitTag) throw new CliError(`"${streamTag}" must include the tag: use STREAM:TAG, e.g. ${name.stream}:latest`);
  if (options.resume && (options.toRevision !== undefined || options.toImage !== undefined)) {
    throw new CliError('--resume cannot be combined with --to-revision or --to-image');
  }
  const choice = options.resume ? undefined : target(options);
  const dryRun = parseDryRun(options.dryRun);
  const now = options.now ?? (() => new Date());
  const cluster = openCluster(options, deps);
  const namespace = name.namespace ?? cluster.namespace;
  const { client } = cluster;
  let message = '';
  const change = (current: ImageStream | undefined) => {
    if (!current) throw new CliError(`imagestream "${name.stream}" not found in namespace ${namespace}`);
    if (choice === undefined) {
      const resumed = resumeTag(current, name.tag, now());
      message = `resumed tracking ${resumed.source.name}`;
      return { stream: resumed.stream, changed: true, specChanged: true, statusChanged: false };
    }
    const result = pinTag(current, name.tag, choice, now());
    message = `rolled back to revision ${result.chosen.revision} (${result.pinned.event.dockerImageReference})`;
    return { stream: result.stream, changed: result.changed, specChanged: true, statusChanged: true };
  };
  try {
    if (dryRun === 'none') await client.update(namespace, name.stream, change);
    else change(await client.get(namespace, name.stream));
  } catch (e) {
    if (e instanceof RollbackError) throw new CliError(e.message);
    if (e instanceof CliError) throw e;
    throw new CliError((e as Error).message);
  }
  const suffix = dryRun === 'none' ? '' : ` (${dryRun} dry run)`;
  deps.io.out.write(`imagestreamtag.image.openshift.io/${name.stream}:${name.tag} ${message}${suffix}\n`);
}

export const rollbackCommand: CommandModule = {
  register(program, deps) {
    const cmd = program.command('rollback')
      .argument('<stream:tag>', 'the image stream tag to roll back')
      .description('Pin an image stream tag to an earlier image from its history, or --resume tracking its source')
      .option('--to-revision <n>', 'the revision to roll back to (see "describe is"; default: the previous image)')
      .option('--to-image <digest>', 'the image digest to roll back to (sha256:..., a unique prefix is enough)')
      .option('--resume', 'stop pinning: track the source the tag was imported from again', false);
    addDryRunFlag(addClusterFlags(cmd)).action(async (streamTag: string, opts: RollbackOptions) => {
      await runRollback(streamTag, opts, deps);
    });
  },
};
