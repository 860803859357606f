// What of an `oc`/istream run the vectors keep and the replay compares. Printed objects are reduced
// to what `set triggers` changes (the annotation's bytes and spec.paused): oc re-encodes the whole
// object through its Go types (`creationTimestamp: null`, `resources: {}`, `status: {}`) where
// istream keeps the file's own bytes, a deliberate difference (README "Differences from oc").
import { parseAllDocuments } from 'yaml';

export interface PrintedObject {
  /** `Kind/name`. */
  id: string;
  /** The image.openshift.io/triggers value, or null when there is none. */
  a: string | null;
  /** spec.paused === true. */
  p: boolean;
}

export interface Answer {
  code: number;
  /** stderr, with the manifest's path replaced by FILE. */
  err: string;
  /** stdout, when it is not printed objects. */
  out?: string;
  /** The printed objects, when stdout is objects. */
  objects?: PrintedObject[];
}

interface Printed {
  kind?: string;
  metadata?: { name?: string; annotations?: Record<string, string> };
  spec?: { paused?: unknown };
}

/** Concatenated JSON documents, as both tools print several objects with -o json. */
function jsonDocuments(text: string): unknown[] {
  const docs: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === '}' && --depth === 0) docs.push(JSON.parse(text.slice(start, i + 1)));
  }
  if (depth !== 0 || text.slice(text.lastIndexOf('}') + 1).trim() !== '') throw new Error('not JSON documents');
  return docs;
}

function printedObjects(stdout: string, format: string): PrintedObject[] | undefined {
  let docs: unknown[];
  try {
    docs =
      format === 'json'
        ? jsonDocuments(stdout)
        : parseAllDocuments(stdout).map((d) => {
            if (d.errors.length > 0) throw new Error('not YAML');
            return d.toJS() as unknown;
          });
  } catch {
    return undefined;
  }
  const objects = docs.filter((d): d is Printed => typeof d === 'object' && d !== null && 'kind' in d);
  if (objects.length === 0 || objects.length !== docs.filter((d) => d !== null).length) return undefined;
  return objects.map((o) => ({
    id: `${o.kind ?? ''}/${o.metadata?.name ?? ''}`,
    a: o.metadata?.annotations?.['image.openshift.io/triggers'] ?? null,
    p: o.spec?.paused === true,
  }));
}

/** The answer of one run of `set triggers ARGS -f FILE`. */
export function answerOf(run: { code: number; stdout: string; stderr: string }, args: string[], file: string): Answer {
  const at = args.indexOf('-o');
  const format = at >= 0 ? (args[at + 1] ?? '') : '';
  // A Go panic's stack holds addresses that change from run to run: its first line says enough.
  const err = run.stderr.startsWith('panic: ')
    ? `${run.stderr.slice(0, run.stderr.indexOf('\n'))}\n`
    : run.stderr.split(file).join('FILE');
  const objects = format && run.stdout.trim() ? printedObjects(run.stdout, format) : undefined;
  return objects ? { code: run.code, err, objects } : { code: run.code, err, out: run.stdout };
}
