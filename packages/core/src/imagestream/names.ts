// Names of streams and tags: the grammar OpenShift accepts, with errors that name the input and say
// what would be accepted instead.
import { DEFAULT_TAG } from './types.js';

/** Docker's (and OpenShift's) tag grammar. */
const TAG_PATTERN = /^[\w][\w.-]{0,127}$/;
/** A Kubernetes object name (DNS-1123 subdomain), which every ImageStream name must be. */
const STREAM_NAME_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export class InvalidNameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidNameError';
  }
}

export function tagNameProblem(tag: string): string | undefined {
  if (TAG_PATTERN.test(tag)) return undefined;
  if (tag.length === 0) return 'a tag may not be empty';
  if (tag.length > 128) return `invalid tag name "${tag}": a tag has at most 128 characters`;
  return `invalid tag name "${tag}": a tag starts with a letter, digit or "_" and contains only letters, digits, "_", "." and "-"`;
}

export function validateTagName(tag: string): void {
  const problem = tagNameProblem(tag);
  if (problem !== undefined) throw new InvalidNameError(problem);
}

export function validateStreamName(name: string): void {
  if (name.length > 0 && name.length <= 253 && STREAM_NAME_PATTERN.test(name)) return;
  throw new InvalidNameError(
    `invalid image stream name "${name}": use lower-case letters, digits, "-" and "." (a Kubernetes object name)`,
  );
}

export interface StreamTagName {
  /** Only set when the input named one (`ns/stream:tag`). */
  namespace?: string;
  stream: string;
  tag: string;
  /** Whether the input spelled the tag out; `stream` alone means `stream:latest`. */
  explicitTag: boolean;
}

/** Parses `[namespace/]stream[:tag]`, defaulting the tag to `latest`, and validates both names. */
export function parseStreamTag(input: string): StreamTagName {
  if (input.includes('@')) {
    throw new InvalidNameError(
      `"${input}" is an image stream image (stream@digest), not an image stream tag (stream:tag)`,
    );
  }
  const slash = input.split('/');
  if (slash.length > 2) throw new InvalidNameError(`invalid image stream tag "${input}": use [namespace/]stream:tag`);
  const namespace = slash.length === 2 ? slash[0] : undefined;
  const rest = slash[slash.length - 1] ?? '';
  const colon = rest.split(':');
  if (colon.length > 2) throw new InvalidNameError(`expected at most one ":" in the image stream tag "${input}"`);
  const stream = colon[0] ?? '';
  const explicitTag = colon.length === 2;
  const tag = explicitTag ? (colon[1] ?? '') : DEFAULT_TAG;
  if (namespace !== undefined && namespace.length === 0) {
    throw new InvalidNameError(`invalid namespace "" in image stream tag "${input}"`);
  }
  validateStreamName(stream);
  validateTagName(tag);
  return { ...(namespace === undefined ? {} : { namespace }), stream, tag, explicitTag };
}
