// The NAME[:TAG] argument of import-image, read as oc reads it: either an image stream tag
// (`ubi:8`) or a pull spec whose first component is a registry host (`quay.io/team/app:1`),
// which names the stream after the repository's last part and the tag after its tag.
import { DEFAULT_TAG, parseStreamTag, validateStreamName } from '@istream/core/imagestream';
import { parseImageReference } from '@istream/core/reference';
import { CliError } from './errors.js';

export interface ImportTarget {
  stream: string;
  tag: string;
  explicitTag: boolean;
}

/** library-go's rule for a first component that is a registry: it has a `.` or `:`, or is localhost. */
function namesRegistry(target: string): boolean {
  const slash = target.indexOf('/');
  if (slash === -1) return false;
  const first = target.slice(0, slash);
  return /[.:]/.test(first) || first === 'localhost';
}

/** The stream a pull spec imports into: the path after the registry, less its first segment when there are more. */
function streamOfPullSpec(target: string): string {
  const path = target.slice(target.indexOf('/') + 1).replace(/[@:].*$/, '');
  const slash = path.indexOf('/');
  return slash === -1 ? path : path.slice(slash + 1);
}

export function parseImportTarget(target: string, all: boolean): ImportTarget {
  if (target.includes('@')) throw new CliError("to import images by ID, use the 'tag' command");
  if (!namesRegistry(target)) {
    const parsed = parseStreamTag(target);
    if (parsed.namespace !== undefined) {
      throw new CliError(
        `"${target}" names a namespace: give the image stream name alone and the namespace with -n ` +
          '(a pull spec names its registry host first, e.g. quay.io/team/app:1)',
      );
    }
    if (all && parsed.explicitTag) throw new CliError(`cannot specify a tag "${target}" as well as --all`);
    return { stream: parsed.stream, tag: parsed.tag, explicitTag: parsed.explicitTag };
  }
  let tag: string | undefined;
  try {
    tag = parseImageReference(target).tag;
  } catch {
    throw new CliError(
      'the image name must be a valid container image pull spec or reference to an image stream (e.g. myregistry/myteam/image:tag)',
    );
  }
  if (all && tag !== undefined) throw new CliError(`cannot specify a tag "${target}" as well as --all`);
  const stream = streamOfPullSpec(target);
  validateStreamName(stream);
  return { stream, tag: tag ?? DEFAULT_TAG, explicitTag: tag !== undefined };
}
