// Content digests as go-digest validates them: a registered algorithm and lowercase hex of its length.

/** The algorithms go-digest registers, with the hex length of each. */
const hexLengths: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };

export type DigestAlgorithm = 'sha256' | 'sha384' | 'sha512';

export interface ParsedDigest {
  algorithm: DigestAlgorithm;
  hex: string;
}

/** Why `value` is not a valid digest, or undefined when it is one. */
export function digestProblem(value: string): string | undefined {
  const colon = value.indexOf(':');
  if (colon <= 0 || colon === value.length - 1)
    return 'a digest has the form ALGORITHM:HEX, e.g. sha256:<64 hex digits>';
  const algorithm = value.slice(0, colon);
  const hex = value.slice(colon + 1);
  const length = hexLengths[algorithm];
  if (length === undefined) return `unsupported digest algorithm "${algorithm}" (use sha256, sha384 or sha512)`;
  if (!/^[a-f0-9]+$/.test(hex)) return `the ${algorithm} value must be lowercase hexadecimal`;
  if (hex.length !== length) return `a ${algorithm} digest has ${length} hex digits, not ${hex.length}`;
  return undefined;
}

export function isDigest(value: string): boolean {
  return digestProblem(value) === undefined;
}

/** Splits a valid digest; throws with the reason for an invalid one. */
export function parseDigest(value: string): ParsedDigest {
  const problem = digestProblem(value);
  if (problem !== undefined) throw new Error(`invalid digest "${value}": ${problem}`);
  const colon = value.indexOf(':');
  return { algorithm: value.slice(0, colon) as DigestAlgorithm, hex: value.slice(colon + 1) };
}
