// `-o json|yaml|name` as kubectl prints objects: keys sorted (Go marshals maps that way), JSON
// indented by four spaces, YAML with sequences flush with their key and strings quoted where
// go-yaml quotes them, several objects as a List.
import { stringify } from 'yaml';

export type ObjectFormat = 'json' | 'yaml' | 'name';

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.keys(value).sort().filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
}

export function toYaml(value: unknown): string {
  // YAML 1.1 rules quote what go-yaml quotes (timestamps, yes/on, numbers-as-strings).
  return stringify(sortKeys(value), { version: '1.1', indentSeq: false, lineWidth: 0, minContentWidth: 0 });
}

export function toJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 4)}\n`;
}

/** A list wrapper as kubectl prints it for `get RESOURCE` without a name. */
export function listOf(items: unknown[]): unknown {
  return { apiVersion: 'v1', kind: 'List', items, metadata: { resourceVersion: '' } };
}

/**
 * Prints objects in one of kubectl's object formats. `qualifiedName` gives `-o name` lines such as
 * `imagestream.image.openshift.io/ubi`; `asList` wraps them the way listing commands do.
 */
export function formatObjects(objects: Array<{ metadata: { name: string } }>, format: ObjectFormat, resource: string, asList: boolean): string {
  if (format === 'name') return objects.map((o) => `${resource}/${o.metadata.name}\n`).join('');
  const value = asList ? listOf(objects) : objects[0];
  return format === 'json' ? toJson(value) : toYaml(value);
}
