// Which tags `import-image --all` takes first, as OpenShift's PrioritizeTags orders them: `latest`;
// then minor versions (5.1, v5.1, 5.1-rc1) newest first; then full semantic versions newest first;
// then everything else alphabetically.

interface SemVer {
  core: [bigint, bigint, bigint];
  pre: Array<string | bigint>;
}

const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;
const MINOR = /^\d+\.\d+$/;
const MINOR_WITH_SUFFIX = /^(\d+\.\d+)-\w+$/;

function parseSemver(text: string): SemVer | undefined {
  const m = SEMVER.exec(text);
  if (m === null) return undefined;
  const pre: Array<string | bigint> = [];
  for (const part of m[4]?.split('.') ?? []) {
    if (/^\d+$/.test(part)) {
      if (part.length > 1 && part.startsWith('0')) return undefined;
      pre.push(BigInt(part));
    } else pre.push(part);
  }
  return { core: [BigInt(m[1]!), BigInt(m[2]!), BigInt(m[3]!)], pre };
}

function compareSemver(a: SemVer, b: SemVer): number {
  for (let i = 0; i < 3; i++) {
    if (a.core[i]! !== b.core[i]!) return a.core[i]! > b.core[i]! ? 1 : -1;
  }
  if (a.pre.length === 0 || b.pre.length === 0)
    return b.pre.length - a.pre.length === 0 ? 0 : a.pre.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.min(a.pre.length, b.pre.length); i++) {
    const x = a.pre[i]!;
    const y = b.pre[i]!;
    if (x === y) continue;
    if (typeof x === 'bigint' && typeof y === 'bigint') return x > y ? 1 : -1;
    if (typeof x === 'bigint') return -1;
    if (typeof y === 'bigint') return 1;
    return x > y ? 1 : -1;
  }
  return Math.sign(a.pre.length - b.pre.length);
}

const enum Priority {
  Latest,
  Minor,
  Full,
  Other,
}

interface RankedTag {
  tag: string;
  priority: Priority;
  version?: SemVer;
  prefix: string;
}

function rank(tag: string): RankedTag {
  if (tag === 'latest') return { tag, priority: Priority.Latest, prefix: '' };
  const prefix = tag.startsWith('v') ? 'v' : '';
  const short = tag.slice(prefix.length);
  const full = parseSemver(short);
  if (full !== undefined) return { tag, priority: Priority.Full, version: full, prefix };
  if (MINOR.test(short)) {
    const version = parseSemver(`${short}.0`);
    if (version !== undefined) return { tag, priority: Priority.Minor, version, prefix };
  }
  const suffixed = MINOR_WITH_SUFFIX.exec(short);
  if (suffixed !== null) {
    const version = parseSemver(short.replace(suffixed[1]!, `${suffixed[1]!}.0`));
    if (version !== undefined) return { tag, priority: Priority.Minor, version, prefix };
  }
  return { tag, priority: Priority.Other, prefix };
}

function compareRanked(a: RankedTag, b: RankedTag): number {
  if (a.priority !== b.priority) return a.priority - b.priority;
  if (a.priority === Priority.Other) return a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0;
  const byVersion = compareSemver(b.version!, a.version!);
  if (byVersion !== 0) return byVersion;
  return a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0;
}

/** Tags in OpenShift's priority order (a new array). */
export function prioritizeTags(tags: readonly string[]): string[] {
  return tags
    .map(rank)
    .sort(compareRanked)
    .map((r) => r.tag);
}

/** OpenShift's default for how many tags one `--all` import takes. */
export const DEFAULT_MAX_TAGS_PER_IMPORT = 50;

export interface TagSelection {
  /** The tags to import, in priority order. */
  selected: string[];
  /** The tags left out, in priority order, to be reported. */
  additional: string[];
}

/**
 * Picks the first `max` tags by priority from a repository's tag list (duplicates dropped, an empty
 * tag read as `latest`, as OpenShift does for old Hub images).
 */
export function selectTagsForImport(tags: readonly string[], max = DEFAULT_MAX_TAGS_PER_IMPORT): TagSelection {
  const unique = [...new Set(tags.map((t) => (t === '' ? 'latest' : t)))].sort();
  const ordered = prioritizeTags(unique);
  return { selected: ordered.slice(0, max), additional: ordered.slice(max) };
}
