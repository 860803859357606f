// Platforms of index entries: parsing `os/arch[/variant]`, matching as containerd does, and the
// choices OpenShift's importer makes for a manifest list.
import type { IndexEntry } from './media-types.js';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
  'os.version'?: string;
}

export class InvalidPlatformError extends Error {
  constructor(readonly input: string) {
    super(`invalid platform "${input}": use OS/ARCH[/VARIANT], e.g. linux/amd64 or linux/arm64/v8`);
    this.name = 'InvalidPlatformError';
  }
}

export function parsePlatform(input: string): Platform {
  const parts = input.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^[a-zA-Z0-9_.-]+$/.test(p))) {
    throw new InvalidPlatformError(input);
  }
  const [os = '', architecture = '', variant] = parts.map((p) => p.toLowerCase());
  return { os, architecture, ...(variant !== undefined ? { variant } : {}) };
}

export function formatPlatform(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter((p) => p !== undefined && p !== '').join('/');
}

// Architecture names other tools use for the same thing, and their implied variants (containerd's normalize).
const architectureAliases: Readonly<Record<string, { architecture: string; variant?: string }>> = {
  x86_64: { architecture: 'amd64' },
  'x86-64': { architecture: 'amd64' },
  i386: { architecture: '386' },
  aarch64: { architecture: 'arm64' },
  armhf: { architecture: 'arm', variant: 'v7' },
  armel: { architecture: 'arm', variant: 'v6' },
};

/** The canonical spelling: `aarch64` is arm64, arm64 without a variant is v8, arm without one is v7. */
export function normalizePlatform(platform: Platform): Platform {
  const alias = architectureAliases[platform.architecture.toLowerCase()];
  const architecture = alias?.architecture ?? platform.architecture.toLowerCase();
  let variant = (platform.variant || alias?.variant || '').toLowerCase();
  if (architecture === 'arm64' && (variant === '' || variant === '8')) variant = 'v8';
  if (architecture === 'arm' && variant === '') variant = 'v7';
  if (architecture === 'arm' && /^[5-8]$/.test(variant)) variant = `v${variant}`;
  if (architecture === 'amd64' && variant === 'v1') variant = '';
  return { os: platform.os.toLowerCase(), architecture, ...(variant !== '' ? { variant } : {}) };
}

/** True when an image built for `have` is exactly what `want` asks for (after normalising both). */
export function platformMatches(want: Platform, have: Platform): boolean {
  const w = normalizePlatform(want);
  const h = normalizePlatform(have);
  return w.os === h.os && w.architecture === h.architecture && (w.variant ?? '') === (h.variant ?? '');
}

/** The index entry built for `want`, or undefined. */
export function selectPlatform(entries: readonly IndexEntry[], want: Platform): IndexEntry | undefined {
  return entries.find((e) => e.platform !== undefined && platformMatches(want, e.platform));
}

/**
 * OpenShift's Legacy import of a manifest list: the entry whose OS and architecture equal the
 * preferred ones (the tag's importer.image.openshift.io/prefer-os and prefer-arch annotations; each
 * missing one is the importer's own, linux and amd64 in practice), then linux/amd64, then the first
 * entry. Variants are ignored, as OpenShift ignores them.
 */
export function selectLegacy(
  entries: readonly IndexEntry[],
  preferred: { os?: string; architecture?: string } = {},
): IndexEntry | undefined {
  const byOsArch = (os: string, architecture: string) =>
    entries.find((e) => e.platform?.os === os && e.platform.architecture === architecture);
  return (
    byOsArch(preferred.os || 'linux', preferred.architecture || 'amd64') ?? byOsArch('linux', 'amd64') ?? entries[0]
  );
}
