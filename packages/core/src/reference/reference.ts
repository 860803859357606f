import { digestProblem } from './digest.js';
import {
  domainPattern,
  identifierPattern,
  nameTotalLengthMax,
  pathComponentPattern,
  referencePattern,
  tagPattern,
} from './grammar.js';

/** Docker Hub's canonical domain, the legacy name it is also known by, and the namespace of its official images. */
export const defaultDomain = 'docker.io';
const legacyDefaultDomain = 'index.docker.io';
const officialRepoPrefix = 'library/';
export const defaultTag = 'latest';

/** A normalised image reference: `domain/path[:tag][@digest]`, always with a domain. */
export interface ImageReference {
  /** Registry host with an optional port, e.g. `docker.io`, `quay.io`, `127.0.0.1:5000`. */
  readonly domain: string;
  /** Repository path inside the registry, e.g. `library/ubuntu`; always lowercase. */
  readonly path: string;
  readonly tag?: string;
  readonly digest?: string;
}

export class InvalidReferenceError extends Error {
  constructor(
    readonly input: string,
    readonly reason: string,
  ) {
    super(`invalid reference "${input}": ${reason}`);
    this.name = 'InvalidReferenceError';
  }
}

/**
 * Parses an image reference the way `docker pull` reads it (distribution's ParseNormalizedNamed):
 * a first component with `.` or `:`, `localhost`, or an uppercase letter is the registry host, otherwise
 * the image is on docker.io; a single-component Docker Hub name is in `library/`; `index.docker.io`
 * becomes `docker.io`. Throws InvalidReferenceError saying which part is wrong.
 */
export function parseImageReference(input: string): ImageReference {
  const fail = (reason: string): never => {
    throw new InvalidReferenceError(input, reason);
  };
  if (input === '') fail('the reference is empty');
  if (identifierPattern.test(input)) {
    fail('a 64-character hexadecimal string is an image ID, not a repository name');
  }
  const { domain, remainder } = splitDomain(input);
  const remote = remainder.split(/[:@]/, 1)[0] ?? '';
  if (remote.toLowerCase() !== remote) fail('repository name must be lowercase');

  const match = referencePattern.exec(`${domain}/${remainder}`);
  if (!match) fail(diagnose(domain, remainder));
  const [, name = '', tag, digest] = match as RegExpExecArray;
  if (name.length > nameTotalLengthMax) {
    fail(`repository name must not be more than ${nameTotalLengthMax} characters`);
  }
  if (digest !== undefined) {
    const problem = digestProblem(digest);
    if (problem !== undefined) fail(`invalid digest "${digest}": ${problem}`);
  }
  return {
    domain,
    path: name.slice(domain.length + 1),
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

/** True when `input` is a valid reference. */
export function isImageReference(input: string): boolean {
  try {
    parseImageReference(input);
    return true;
  } catch (e) {
    if (e instanceof InvalidReferenceError) return false;
    throw e;
  }
}

/** True for a valid tag: up to 128 of `[A-Za-z0-9_.-]`, not starting with `.` or `-`. */
export function isValidTag(tag: string): boolean {
  return tagPattern.test(tag);
}

function splitDomain(input: string): { domain: string; remainder: string } {
  const slash = input.indexOf('/');
  const first = slash === -1 ? '' : input.slice(0, slash);
  const isHost = slash !== -1 && (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first);
  let domain = isHost ? first : defaultDomain;
  let remainder = isHost ? input.slice(slash + 1) : input;
  if (domain === legacyDefaultDomain) domain = defaultDomain;
  if (domain === defaultDomain && !remainder.includes('/')) remainder = officialRepoPrefix + remainder;
  return { domain, remainder };
}

/** Names the first part of a reference that breaks the grammar. */
function diagnose(domain: string, remainder: string): string {
  const at = remainder.indexOf('@');
  const nameAndTag = at === -1 ? remainder : remainder.slice(0, at);
  const digest = at === -1 ? undefined : remainder.slice(at + 1);
  const colon = nameAndTag.lastIndexOf(':');
  const hasTag = colon > nameAndTag.lastIndexOf('/');
  const path = hasTag ? nameAndTag.slice(0, colon) : nameAndTag;
  const tag = hasTag ? nameAndTag.slice(colon + 1) : undefined;

  if (!domainPattern.test(domain)) return `invalid registry host "${domain}"`;
  for (const component of path.split('/')) {
    if (component === '') return 'the repository path has an empty component (check for "//" or a trailing "/")';
    if (!pathComponentPattern.test(component)) {
      return (
        `invalid repository path component "${component}": use lowercase letters and digits, ` +
        'separated by ".", "_", "__" or "-"'
      );
    }
  }
  if (tag !== undefined && !tagPattern.test(tag)) {
    return tag === ''
      ? 'the tag after ":" is empty'
      : `invalid tag "${tag}": a tag is 1 to 128 letters, digits, "_", "." or "-", and does not start with "." or "-"`;
  }
  if (digest !== undefined) return `invalid digest "${digest}": ${digestProblem(digest) ?? 'malformed digest'}`;
  return 'invalid reference format';
}

/** `domain/path`: the repository, fully qualified. */
export function repositoryName(ref: ImageReference): string {
  return `${ref.domain}/${ref.path}`;
}

/** The fully-qualified form: `docker.io/library/ubuntu:22.04`. */
export function referenceString(ref: ImageReference): string {
  return repositoryName(ref) + suffix(ref);
}

/** The repository as people type it: `ubuntu`, `bitnami/redis`, `quay.io/x/y`. */
export function familiarName(ref: ImageReference): string {
  if (ref.domain !== defaultDomain) return repositoryName(ref);
  const rest = ref.path.slice(officialRepoPrefix.length);
  return ref.path.startsWith(officialRepoPrefix) && !rest.includes('/') ? rest : ref.path;
}

/** The reference as people type it: `ubuntu:22.04`, `quay.io/x/y@sha256:...`. */
export function familiarString(ref: ImageReference): string {
  return familiarName(ref) + suffix(ref);
}

function suffix(ref: ImageReference): string {
  return (ref.tag !== undefined ? `:${ref.tag}` : '') + (ref.digest !== undefined ? `@${ref.digest}` : '');
}

/** The same repository at `tag` (any digest dropped). */
export function withTag(ref: ImageReference, tag: string): ImageReference {
  if (!tagPattern.test(tag)) throw new InvalidReferenceError(`${repositoryName(ref)}:${tag}`, `invalid tag "${tag}"`);
  return { domain: ref.domain, path: ref.path, tag };
}

/** The same repository pinned to `digest` (the tag kept, as `name:tag@digest`). */
export function withDigest(ref: ImageReference, digest: string): ImageReference {
  const problem = digestProblem(digest);
  if (problem !== undefined) {
    throw new InvalidReferenceError(`${repositoryName(ref)}@${digest}`, `invalid digest "${digest}": ${problem}`);
  }
  return { ...ref, digest };
}
