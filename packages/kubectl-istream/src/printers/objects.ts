// `-o json|yaml|name` as kubectl prints objects: keys sorted (Go marshals maps that way), JSON
// indented by four spaces, YAML with sequences flush with their key and strings quoted where
// go-yaml quotes them, several objects as a List, managedFields hidden unless asked for.
import { stringify } from 'yaml';

export type ObjectFormat = 'json' | 'yaml' | 'name';

export interface PrintOptions {
  /** kubectl's --show-managed-fields: keep metadata.managedFields in json and yaml output. */
  showManagedFields?: boolean;
}

/**
 * An RFC 3339 timestamp with seconds precision, as the apiserver writes metav1.Time
 * (`2026-12-01T12:34:56Z`). Clients that deserialize timestamps hand them over as Dates.
 */
function rfc3339(date: Date): string | null {
  return Number.isNaN(date.getTime()) ? null : date.toISOString().replace(/\.\d+Z$/, 'Z');
}

/**
 * The value in JSON's data model as Go would marshal it: keys sorted, undefined fields left out,
 * Dates as timestamps. Whatever typed values a client library returns, printers see plain data.
 */
export function plainData(value: unknown): unknown {
  if (value instanceof Date) return rfc3339(value);
  if (Array.isArray(value)) return value.map(plainData);
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .filter((k) => record[k] !== undefined)
      .map((k) => [k, plainData(record[k])]),
  );
}

/** The object (or each item of a List) without metadata.managedFields, as kubectl prints by default. */
export function withoutManagedFields(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const object = value as { kind?: unknown; items?: unknown; metadata?: unknown };
  let result: Record<string, unknown> = { ...object };
  if (typeof object.metadata === 'object' && object.metadata !== null && 'managedFields' in object.metadata) {
    const metadata: Record<string, unknown> = { ...object.metadata };
    delete metadata.managedFields;
    result = { ...result, metadata };
  }
  if (Array.isArray(object.items) && typeof object.kind === 'string' && object.kind.endsWith('List')) {
    result = { ...result, items: object.items.map(withoutManagedFields) };
  }
  return result;
}

const printable = (value: unknown, options: PrintOptions): unknown =>
  plainData(options.showManagedFields ? value : withoutManagedFields(value));

export function toYaml(value: unknown, options: PrintOptions = {}): string {
  // YAML 1.1 rules quote what go-yaml quotes (timestamps, yes/on, numbers-as-strings).
  return stringify(printable(value, options), { version: '1.1', indentSeq: false, lineWidth: 0, minContentWidth: 0 });
}

export function toJson(value: unknown, options: PrintOptions = {}): string {
  return `${JSON.stringify(printable(value, options), null, 4)}\n`;
}

/** A list wrapper as kubectl prints it for `get RESOURCE` without a name. */
export function listOf(items: unknown[]): unknown {
  return { apiVersion: 'v1', kind: 'List', items, metadata: { resourceVersion: '' } };
}

/**
 * Prints objects in one of kubectl's object formats. `qualifiedName` gives `-o name` lines such as
 * `imagestream.image.openshift.io/ubi`; `asList` wraps them the way listing commands do.
 */
export function formatObjects(
  objects: Array<{ metadata: { name: string } }>,
  format: ObjectFormat,
  resource: string,
  asList: boolean,
  options: PrintOptions = {},
): string {
  if (format === 'name') return objects.map((o) => `${resource}/${o.metadata.name}\n`).join('');
  const value = asList ? listOf(objects) : objects[0];
  return format === 'json' ? toJson(value, options) : toYaml(value, options);
}
