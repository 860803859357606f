import { parseStreamTag, pinTag, resumeTag, type ImageStream, type RollbackTarget } from '@istream/core/imagestream';
import { parseDryRun } from '../flags.js';
import { CliError } from '../errors.js';
import type { Factory } from '../factory.js';

export interface RollbackOptions {
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
      throw new CliError(
        `invalid --to-revision "${options.toRevision}": use a revision number from "kubectl istream describe is", 1 or more`,
      );
    }
    return { revision };
  }
  if (options.toImage !== undefined) {
    if (!/^(sha256:)?[0-9a-f]{4,64}$/.test(options.toImage)) {
      throw new CliError(
        `invalid --to-image "${options.toImage}": use an image digest such as sha256:0a1b2c... (at least 4 hex digits)`,
      );
    }
    return { image: options.toImage };
  }
  return { previous: true };
}

/**
 * Pins STREAM:TAG to an earlier image of its history (or, with --resume, lets it track its source
 * again). Every workload whose trigger follows the tag rolls with it.
 */
export async function runRollback(streamTag: string, options: RollbackOptions, factory: Factory): Promise<void> {
  const name = parseStreamTag(streamTag);
  if (!name.explicitTag)
    throw new CliError(`"${streamTag}" must include the tag: use STREAM:TAG, e.g. ${name.stream}:latest`);
  if (options.resume && (options.toRevision !== undefined || options.toImage !== undefined)) {
    throw new CliError('--resume cannot be combined with --to-revision or --to-image');
  }
  const choice = options.resume ? undefined : target(options);
  const dryRun = parseDryRun(options.dryRun);
  const now = options.now ?? (() => new Date());
  const cluster = await factory.cluster();
  const namespace = name.namespace ?? cluster.namespace;
  const client = cluster.streams;
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
  if (dryRun === 'none') await client.update(namespace, name.stream, change);
  else change(await client.get(namespace, name.stream));
  const suffix = dryRun === 'none' ? '' : ` (${dryRun} dry run)`;
  factory.io.out.write(`imagestreamtag.image.openshift.io/${name.stream}:${name.tag} ${message}${suffix}\n`);
}
