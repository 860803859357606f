// The JSON Patch (RFC 6902) from one version of an object to another, for writers that hold a
// trimmed copy of what is stored: a patch names only the fields that changed, so the fields the
// copy left out stay as the API server has them, where a PUT of the copy would erase them.

export type JsonPatchOperation =
  | { op: 'add' | 'replace'; path: string; value: unknown }
  | { op: 'remove'; path: string };

/** A JSON pointer one key deeper; keys need escaping only when they hold `~` or `/` (an annotation's). */
function pointer(path: string, key: string | number): string {
  const text = String(key);
  if (!text.includes('~') && !text.includes('/')) return `${path}/${text}`;
  return `${path}/${text.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

function diff(before: unknown, after: unknown, path: string, ops: JsonPatchOperation[]): void {
  // A writer's new version shares what it did not change with the old one.
  if (before === after) return;
  if (isRecord(before) && isRecord(after)) {
    for (const key of Object.keys(before)) if (!(key in after)) ops.push({ op: 'remove', path: pointer(path, key) });
    for (const [key, value] of Object.entries(after)) {
      if (!(key in before)) ops.push({ op: 'add', path: pointer(path, key), value });
      else if (before[key] !== value) diff(before[key], value, pointer(path, key), ops);
    }
    return;
  }
  // Lists of the same length are patched item by item, so an item's fields the copy left out stay.
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    after.forEach((value, i) => {
      if (before[i] !== value) diff(before[i], value, pointer(path, i), ops);
    });
    return;
  }
  // Two scalars differ (they are not ===); only containers need a serialised comparison.
  const scalars = (before === null || typeof before !== 'object') && (after === null || typeof after !== 'object');
  if (scalars || JSON.stringify(before) !== JSON.stringify(after)) ops.push({ op: 'replace', path, value: after });
}

/**
 * The operations that turn `before` into `after`, led by one that restates `before`'s
 * resourceVersion: the API server then refuses the patch with 409 Conflict when the object has
 * changed since, exactly as it refuses a stale PUT.
 */
export function jsonPatch(before: { metadata?: { resourceVersion?: string } }, after: unknown): JsonPatchOperation[] {
  const ops: JsonPatchOperation[] = [];
  const resourceVersion = before.metadata?.resourceVersion;
  if (resourceVersion) ops.push({ op: 'replace', path: '/metadata/resourceVersion', value: resourceVersion });
  diff(before, after, '', ops);
  return ops;
}

export const JSON_PATCH_CONTENT_TYPE = 'application/json-patch+json';
