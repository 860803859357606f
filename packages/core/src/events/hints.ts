/**
 * What a registry event tells the controller: a repository (and maybe a tag) may have moved.
 * Only a hint: the controller re-resolves the tag by HEAD before writing anything, so a forged,
 * late or reordered event costs at most a HEAD and never puts its digest in a stream.
 */
export interface RegistryHint {
  /** `host[:port]` of the registry, as image references name it. */
  registry: string;
  /** Repository path inside the registry, e.g. `library/nginx`. */
  repository: string;
  /** The tag pushed; absent when the sender does not say (every followed tag of the repository is re-imported). */
  tag?: string;
  /** The digest the sender claims; used only to recognise duplicates, never imported. */
  claimedDigest?: string;
}

/** A request body the receiver cannot read: answered 400, nothing changes. */
export class MalformedEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedEventError';
  }
}

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const optionalString = (value: unknown, field: string): string | undefined => {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new MalformedEventError(`${field} is not a string`);
  return value;
};
