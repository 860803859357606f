// What this plugin is: the version from its package.json and the commit it was built from, which
// scripts/bootstrap.sh writes to dist/build-info.json after compiling. A build without git (or
// without that step) says "unknown" rather than guess.
import { readFileSync } from 'node:fs';

export interface BuildInfo {
  version: string;
  gitCommit: string;
  /** "clean" or "dirty" (uncommitted changes were built), as kubectl reports it; "unknown" without git. */
  gitTreeState: string;
}

const UNKNOWN = 'unknown';

function readJson(relative: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

const text = (value: unknown): string => (typeof value === 'string' && value !== '' ? value : UNKNOWN);

/**
 * Set by the bundler (ship/bundle.mjs): a bundle or single executable has no package.json or
 * build-info.json beside it, so the values are written into it.
 */
declare const ISTREAM_BUNDLED_BUILD_INFO: BuildInfo | undefined;

let cached: BuildInfo | undefined;

/** Read once: this module is dist/src/build-info.js, next to dist/build-info.json and below package.json. */
export function buildInfo(): BuildInfo {
  if (cached !== undefined) return cached;
  if (typeof ISTREAM_BUNDLED_BUILD_INFO !== 'undefined' && ISTREAM_BUNDLED_BUILD_INFO !== undefined) {
    cached = ISTREAM_BUNDLED_BUILD_INFO;
    return cached;
  }
  const pkg = readJson('../../package.json');
  const built = readJson('../build-info.json');
  cached = { version: text(pkg?.version), gitCommit: text(built?.gitCommit), gitTreeState: text(built?.gitTreeState) };
  return cached;
}

/** The plugin's part of `version`, in kubectl's text form. */
export function clientVersionText(info: BuildInfo): string {
  return `Client Version: ${info.version}\nGit Commit: ${info.gitCommit}`;
}

/**
 * What the plugin's API requests say they are, in client-go's form (`kubectl/v1.31.0 (linux/amd64)
 * kubernetes/0123abc`): audit logs and `managedFields` name `kubectl-istream`, not `unknown`.
 */
export function userAgent(info: BuildInfo): string {
  const commit = info.gitCommit === UNKNOWN ? UNKNOWN : info.gitCommit.slice(0, 7);
  return `kubectl-istream/${info.version} (${process.platform}/${process.arch}) istream/${commit}`;
}
