/** One entry of a token's `access` claim, as Distribution reads it. */
export interface AccessEntry {
  type: string;
  name: string;
  actions: string[];
}

/** Repositories under this prefix are private in token mode: even pull needs credentials. */
export const PRIVATE_REPOSITORY_PREFIX = 'private/';

const REPOSITORY_ACTIONS = new Set(['pull', 'push', 'delete', '*']);

/**
 * Parses `scope` values (`type:name:actions`, several per value when space-separated as in the
 * OAuth2 form). The name may itself contain colons, so type and actions are split off the ends.
 */
export function parseScopes(values: string[]): AccessEntry[] {
  const entries: AccessEntry[] = [];
  for (const scope of values.flatMap((v) => v.split(' ')).filter((s) => s !== '')) {
    const first = scope.indexOf(':');
    const last = scope.lastIndexOf(':');
    if (first <= 0 || last === first) continue;
    entries.push({
      type: scope.slice(0, first),
      name: scope.slice(first + 1, last),
      actions: scope
        .slice(last + 1)
        .split(',')
        .filter((a) => a !== ''),
    });
  }
  return entries;
}

/**
 * The test policy: anyone may pull public repositories; an authenticated user gets every action
 * it asks for, including listing the catalog; anonymous users get nothing else.
 */
export function grantAccess(requested: AccessEntry[], authenticated: boolean): AccessEntry[] {
  return requested
    .map((entry) => ({ ...entry, actions: grantedActions(entry, authenticated) }))
    .filter((entry) => entry.actions.length > 0);
}

function grantedActions(entry: AccessEntry, authenticated: boolean): string[] {
  if (entry.type === 'repository') {
    if (authenticated) return entry.actions.filter((a) => REPOSITORY_ACTIONS.has(a));
    return entry.name.startsWith(PRIVATE_REPOSITORY_PREFIX) ? [] : entry.actions.filter((a) => a === 'pull');
  }
  if (entry.type === 'registry' && entry.name === 'catalog' && authenticated) {
    return entry.actions.filter((a) => a === '*');
  }
  return [];
}
