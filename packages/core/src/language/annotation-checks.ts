// Interim: the rules that are purely about the annotation JSON belong to core/triggers (h/triggers).
// This module answers in the shape the language service maps to ranges, until that one lands.
import { TRIGGERABLE_POD_SPEC } from './document.js';
import type { JsonLocation } from './annotation-json.js';

export interface AnnotationProblem {
  code: string;
  message: string;
  where: JsonLocation;
}

/** The container a well-formed fieldPath points at. */
export interface ContainerRef {
  /** Array index of the trigger in the annotation. */
  trigger: number;
  /** True for `initContainers[...]`; a name lookup under `containers[...]` also finds init containers. */
  init: boolean;
  byName: string | undefined;
  byIndex: number | undefined;
}

export interface AnnotationCheck {
  problems: AnnotationProblem[];
  containers: ContainerRef[];
}

const KNOWN_KEYS = ['from', 'fieldPath', 'paused'];
const FROM_KEYS = ['kind', 'name', 'namespace', 'apiVersion', 'uid', 'resourceVersion', 'fieldPath'];

export function podSpecPrefix(kind: string): string | undefined {
  return TRIGGERABLE_POD_SPEC[kind]?.join('.');
}

/** Checks a parsed annotation value for a workload of `kind` (undefined: the kind is unknown). */
export function checkAnnotationValue(value: unknown, kind: string | undefined): AnnotationCheck {
  const problems: AnnotationProblem[] = [];
  const containers: ContainerRef[] = [];
  if (!Array.isArray(value)) {
    problems.push({ code: 'triggers-not-array', message: 'the triggers annotation must be a JSON array: wrap the trigger in [ ]', where: {} });
    return { problems, containers };
  }
  const seen = new Map<string, number>();
  value.forEach((entry: unknown, index) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push({ code: 'trigger-not-object', message: 'each trigger must be an object: {"from":{...},"fieldPath":"..."}', where: { index } });
      return;
    }
    const t = entry as Record<string, unknown>;
    for (const key of Object.keys(t)) {
      if (KNOWN_KEYS.includes(key)) continue;
      const hint = key.toLowerCase() === 'pause' ? ' (did you mean "paused"?)' : '';
      problems.push({ code: 'unknown-key', message: `OpenShift ignores the key "${key}"${hint}: use "from", "fieldPath" or "paused"`, where: { index, path: [key], onKey: true } });
    }
    if ('paused' in t && typeof t.paused !== 'boolean') {
      problems.push({ code: 'paused-not-boolean', message: `"paused" must be true or false without quotes: as ${JSON.stringify(t.paused)} OpenShift drops every trigger of this object`, where: { index, path: ['paused'] } });
    }
    checkFrom(t.from, index, problems);
    const fieldPath = t.fieldPath;
    if (typeof fieldPath !== 'string' || fieldPath === '') {
      problems.push({ code: 'fieldpath-missing', message: 'add "fieldPath": the container image this trigger updates', where: { index, path: ['fieldPath'] } });
      return;
    }
    const first = seen.get(fieldPath);
    if (first !== undefined) {
      problems.push({ code: 'duplicate-fieldpath', message: `trigger ${first} already updates this fieldPath: remove one of them`, where: { index, path: ['fieldPath'] } });
    } else seen.set(fieldPath, index);
    const parsed = parseFieldPath(fieldPath, kind);
    if ('code' in parsed) problems.push({ code: parsed.code, message: parsed.message, where: { index, path: ['fieldPath'] } });
    else containers.push({ trigger: index, ...parsed });
  });
  return { problems, containers };
}

function checkFrom(from: unknown, index: number, problems: AnnotationProblem[]): void {
  if (typeof from !== 'object' || from === null || Array.isArray(from)) {
    problems.push({ code: 'from-missing', message: 'add "from": {"kind":"ImageStreamTag","name":"STREAM:TAG"}', where: { index, path: ['from'] } });
    return;
  }
  const f = from as Record<string, unknown>;
  if (f.kind !== 'ImageStreamTag') {
    problems.push({ code: 'from-kind-not-imagestreamtag', message: `from.kind must be "ImageStreamTag"${f.kind === undefined ? '' : `, not ${JSON.stringify(f.kind)}`}: OpenShift skips this trigger`, where: { index, path: ['from', 'kind'] } });
  }
  if (f.apiVersion !== undefined && f.apiVersion !== '') {
    problems.push({ code: 'from-apiversion-set', message: 'remove from.apiVersion: OpenShift skips a trigger that sets it', where: { index, path: ['from', 'apiVersion'], onKey: true } });
  }
  if (typeof f.name !== 'string' || !f.name.includes(':')) {
    const name = typeof f.name === 'string' ? f.name : 'STREAM';
    problems.push({ code: 'from-name-missing-tag', message: `from.name must be STREAM:TAG, e.g. "${name}:latest": without a tag OpenShift skips this trigger`, where: { index, path: ['from', 'name'] } });
  }
  for (const key of Object.keys(f)) {
    if (!FROM_KEYS.includes(key)) {
      problems.push({ code: 'unknown-key', message: `OpenShift ignores from.${key}: use "kind", "name" and "namespace"`, where: { index, path: ['from', key], onKey: true } });
    }
  }
}

type ParsedPath = Omit<ContainerRef, 'trigger'> | { code: string; message: string };

/** OpenShift's fixed fieldPath shape: POD_SPEC.(containers|initContainers)[SELECTOR].image */
function parseFieldPath(path: string, kind: string | undefined): ParsedPath {
  const own = kind ? podSpecPrefix(kind) : undefined;
  const prefixes = [...new Set(Object.values(TRIGGERABLE_POD_SPEC).map((p) => p.join('.')))];
  const prefix = own !== undefined && path.startsWith(`${own}.`) ? own : prefixes.find((p) => path.startsWith(`${p}.`));
  if (prefix === undefined) {
    return { code: 'fieldpath-invalid', message: `fieldPath must start with "${own ?? 'spec.template.spec'}.containers[": OpenShift cannot parse this one` };
  }
  if (own !== undefined && prefix !== own) {
    return { code: 'fieldpath-wrong-kind', message: `a ${kind}'s containers are under "${own}": OpenShift skips a path under "${prefix}"` };
  }
  const rest = path.slice(prefix.length + 1);
  const init = rest.startsWith('initContainers[');
  if (!init && !rest.startsWith('containers[')) {
    return { code: 'fieldpath-invalid', message: `after "${prefix}." write containers[...] or initContainers[...]` };
  }
  const open = rest.indexOf('[') + 1;
  const close = rest.indexOf(']', open);
  if (close < 0) return { code: 'fieldpath-invalid', message: 'the container selector has no closing "]": add it before ".image"' };
  const selector = rest.slice(open, close);
  if (rest.slice(close + 1) !== '.image') {
    return { code: 'fieldpath-invalid', message: 'fieldPath must end with "].image": OpenShift updates only the image field' };
  }
  if (/^[+-]?\d+$/.test(selector)) return { init, byName: undefined, byIndex: Number(selector) };
  const named = /^\?\(@\.name=="([^"]*)"\)$/.exec(selector);
  if (named) return { init, byName: named[1], byIndex: undefined };
  if (selector.includes("'")) {
    return { code: 'fieldpath-invalid', message: 'OpenShift reads only double quotes in the filter: write ?(@.name=="NAME") with escaped \\" in JSON' };
  }
  if (/\s/.test(selector)) {
    return { code: 'fieldpath-invalid', message: 'OpenShift reads the filter only without spaces: write ?(@.name=="NAME")' };
  }
  return { code: 'fieldpath-invalid', message: 'the container selector must be an index or ?(@.name=="NAME")' };
}
