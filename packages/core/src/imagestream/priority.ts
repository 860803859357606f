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
  /** The tags left out, in priority order, to be reported (empty when only counted). */
  additional: string[];
  /** How many tags were left out. */
  additionalCount: number;
}

/** Priority order, and by name among equals: the same order whatever order the tags come in. */
function compareForSelection(a: RankedTag, b: RankedTag): number {
  return compareRanked(a, b) || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0);
}

/**
 * Picks the first `max` tags by priority from a tag list that arrives page by page (duplicates
 * dropped, an empty tag read as `latest`, as OpenShift does for old Hub images). With
 * `namesBeyondCap: false` it holds at most `max` tags plus one page, so a 9,000-tag repository
 * costs no more memory than a 50-tag one; the tags beyond the cap are only counted.
 */
export class TagSelector {
  private ranked: RankedTag[] = [];
  private readonly held = new Set<string>();
  private dropped = 0;

  constructor(
    private readonly max = DEFAULT_MAX_TAGS_PER_IMPORT,
    private readonly namesBeyondCap = true,
  ) {}

  add(tags: readonly string[]): void {
    for (const listed of tags) {
      const tag = listed === '' ? 'latest' : listed;
      if (this.held.has(tag)) continue;
      this.held.add(tag);
      this.ranked.push(rank(tag));
    }
    if (this.namesBeyondCap || this.ranked.length <= this.max) return;
    this.ranked.sort(compareForSelection);
    // A registry lists a tag once, so a tag let go here does not come back in a later page.
    const beyond = this.ranked.splice(this.max);
    for (const left of beyond) this.held.delete(left.tag);
    this.dropped += beyond.length;
  }

  selection(): TagSelection {
    const ordered = [...this.ranked].sort(compareForSelection).map((r) => r.tag);
    const additional = ordered.slice(this.max);
    return {
      selected: ordered.slice(0, this.max),
      additional,
      additionalCount: this.dropped + additional.length,
    };
  }
}

/** Picks the first `max` tags by priority from a repository's whole tag list. */
export function selectTagsForImport(tags: readonly string[], max = DEFAULT_MAX_TAGS_PER_IMPORT): TagSelection {
  const selector = new TagSelector(max);
  selector.add(tags);
  return selector.selection();
}
