import { goKeyMatches, JsonSyntaxError, parseGoJson, type JsonMember, type JsonNode } from './go-json.js';
import { isTriggerableKind, TRIGGERABLE_KINDS, triggerableKindList } from '../workloads/index.js';
import { findContainer, listContainers, parseFieldPath, podSpecOf, podSpecPath } from './field-path.js';
import type {
  EffectiveTrigger,
  ListedTrigger,
  ObjectFieldTrigger,
  ProblemCode,
  ProblemSeverity,
  TriggerProblem,
  TriggerReading,
  TriggerSource,
  WorkloadObject,
} from './types.js';

const TRIGGER_FIELDS = ['from', 'fieldPath', 'paused'] as const;
const FROM_FIELDS = ['kind', 'name', 'namespace', 'apiVersion'] as const;

type Path = (string | number)[];

/** Collects problems while decoding; `fatal` ones are those that make Go's Unmarshal fail. */
class Findings {
  readonly problems: TriggerProblem[] = [];
  fatal = false;

  add(
    code: ProblemCode,
    severity: ProblemSeverity,
    message: string,
    path: Path,
    span: { start: number; end: number },
    target: 'key' | 'value' = 'value',
  ): void {
    this.problems.push({ code, severity, message, path, target, span: { start: span.start, end: span.end } });
  }
}

/** The struct field a JSON key lands in, with Go's exact-then-case-insensitive matching. */
function fieldFor<F extends string>(key: string, fields: readonly F[]): F | undefined {
  return fields.find((f) => f === key) ?? fields.find((f) => goKeyMatches(key, f));
}

function typeName(node: JsonNode): string {
  return node.type === 'boolean'
    ? 'a boolean'
    : node.type === 'array'
      ? 'an array'
      : node.type === 'object'
        ? 'an object'
        : `a ${node.type}`;
}

/** Reads the members of an object into a record of strings, as Go fills a struct of strings. */
function decodeStrings<F extends string>(
  node: JsonMember[],
  fields: readonly F[],
  path: Path,
  findings: Findings,
  what: string,
  into: Record<F, string>,
): Record<F, string> {
  // Go decodes into the struct already there: a repeated object updates, it does not reset.
  const out = { ...into };
  for (const m of node) {
    const field = fieldFor(m.key, fields);
    if (field === undefined) {
      findings.add(
        'unknown-key',
        'warning',
        `unknown key "${m.key}" in ${what}; OpenShift ignores it (known keys: ${fields.join(', ')})`,
        [...path, m.key],
        m.keySpan,
        'key',
      );
      continue;
    }
    if (field !== m.key) {
      findings.add(
        'non-canonical-key',
        'warning',
        `write "${field}" instead of "${m.key}": OpenShift accepts it, but other tools do not`,
        [...path, m.key],
        m.keySpan,
        'key',
      );
    }
    if (m.value.type === 'string') out[field] = m.value.value;
    else if (m.value.type !== 'null') {
      findings.fatal = true;
      findings.add(
        'wrong-type',
        'error',
        `"${m.key}" must be a string, not ${typeName(m.value)}; OpenShift ignores every trigger of this object until it is fixed`,
        [...path, m.key],
        m.value,
      );
    }
  }
  return out;
}

/**
 * Decodes one array element into the Go struct, or reports why Go cannot. `mistyped` holds the
 * fields whose value had the wrong type (`from`, `from.name`, `fieldPath`, ...): their problem is
 * already said, and the defaults they leave behind must not be judged as if written.
 */
function decodeEntry(
  node: JsonNode,
  index: number,
  findings: Findings,
): ObjectFieldTrigger & { mistyped?: ReadonlySet<string> } {
  const before = findings.problems.length;
  const trigger = decodeMembers(node, index, findings);
  const mistyped = new Set<string>();
  for (const p of findings.problems.slice(before)) {
    if (p.code !== 'wrong-type' && p.code !== 'paused-not-boolean') continue;
    const field = fieldFor(String(p.path[1]), TRIGGER_FIELDS);
    const sub = p.path.length > 2 ? fieldFor(String(p.path[2]), FROM_FIELDS) : undefined;
    if (field) mistyped.add(sub ? `${field}.${sub}` : field);
  }
  return mistyped.size > 0 ? { ...trigger, mistyped } : trigger;
}

function decodeMembers(node: JsonNode, index: number, findings: Findings): ObjectFieldTrigger {
  const trigger: ObjectFieldTrigger = {
    from: { kind: '', name: '', namespace: '', apiVersion: '' },
    fieldPath: '',
    paused: false,
  };
  if (node.type === 'null') {
    findings.add(
      'trigger-not-an-object',
      'error',
      'this entry is null; write an object {"from":{...},"fieldPath":"..."} or remove it',
      [index],
      node,
    );
    return trigger;
  }
  if (node.type !== 'object') {
    findings.fatal = true;
    findings.add(
      'trigger-not-an-object',
      'error',
      `each trigger must be an object {"from":{...},"fieldPath":"..."}, not ${typeName(node)}; OpenShift ignores every trigger of this object until it is fixed`,
      [index],
      node,
    );
    return trigger;
  }
  for (const m of node.members) {
    const field = fieldFor(m.key, TRIGGER_FIELDS);
    const path: Path = [index, m.key];
    if (field === undefined) {
      const hint = goKeyMatches(m.key, 'pause') ? ' (did you mean "paused"?)' : '';
      findings.add(
        'unknown-key',
        'warning',
        `unknown key "${m.key}"${hint}; OpenShift ignores it (known keys: from, fieldPath, paused)`,
        path,
        m.keySpan,
        'key',
      );
      continue;
    }
    if (field !== m.key) {
      findings.add(
        'non-canonical-key',
        'warning',
        `write "${field}" instead of "${m.key}": OpenShift accepts it, but other tools do not`,
        path,
        m.keySpan,
        'key',
      );
    }
    const value = m.value;
    if (value.type === 'null') continue; // Go leaves the field as it was
    if (field === 'paused') {
      if (value.type === 'boolean') trigger.paused = value.value;
      else {
        findings.fatal = true;
        const literal =
          value.type === 'string' && (value.value === 'true' || value.value === 'false')
            ? value.value
            : 'true or false';
        findings.add(
          'paused-not-boolean',
          'error',
          `"paused" must be the JSON boolean ${literal} without quotes; as ${typeName(value)} OpenShift silently ignores every trigger of this object`,
          path,
          value,
        );
      }
    } else if (field === 'fieldPath') {
      if (value.type === 'string') trigger.fieldPath = value.value;
      else {
        findings.fatal = true;
        findings.add(
          'wrong-type',
          'error',
          `"fieldPath" must be a string, not ${typeName(value)}; OpenShift ignores every trigger of this object until it is fixed`,
          path,
          value,
        );
      }
    } else if (value.type === 'object') {
      trigger.from = decodeStrings(value.members, FROM_FIELDS, path, findings, '"from"', trigger.from);
    } else {
      findings.fatal = true;
      findings.add(
        'wrong-type',
        'error',
        `"from" must be an object {"kind":"ImageStreamTag","name":"STREAM:TAG"}, not ${typeName(value)}; OpenShift ignores every trigger of this object until it is fixed`,
        path,
        value,
      );
    }
  }
  return trigger;
}

/** The text location of `[index, key, subkey...]` inside the parsed array, for messages about values. */
function locate(root: JsonNode, path: Path): { node: JsonNode; path: Path } {
  let node = root;
  const found: Path = [];
  for (const step of path) {
    let next: JsonNode | undefined;
    let spelled: string | number = step;
    if (node.type === 'array' && typeof step === 'number') next = node.items[step];
    if (node.type === 'object' && typeof step === 'string') {
      // The member Go would use: the last one whose key matches.
      const member = node.members.filter((m) => goKeyMatches(m.key, step)).pop();
      next = member?.value;
      spelled = member?.key ?? step;
    }
    if (next === undefined) break;
    node = next;
    found.push(spelled);
  }
  return { node, path: found };
}

/**
 * The image stream tag an entry follows, when OpenShift honours its `from`: kind ImageStreamTag,
 * no apiVersion, a name with a colon. Otherwise reports why OpenShift silently skips it.
 */
function sourceOf(
  t: ObjectFieldTrigger,
  i: number,
  problem: (code: ProblemCode, message: string, path: Path) => void,
): TriggerSource | undefined {
  let usable = true;
  if (t.from.kind !== 'ImageStreamTag') {
    usable = false;
    problem(
      'from-kind-not-imagestreamtag',
      `from.kind must be "ImageStreamTag"${t.from.kind ? `, not "${t.from.kind}"` : ''}; OpenShift silently ignores this trigger`,
      [i, 'from', 'kind'],
    );
  }
  if (t.from.apiVersion !== '') {
    usable = false;
    problem('from-api-version-set', 'remove from.apiVersion: OpenShift silently ignores a trigger that sets it', [
      i,
      'from',
      'apiVersion',
    ]);
  }
  const colon = t.from.name.indexOf(':');
  if (colon === -1) {
    usable = false;
    problem(
      'from-name-missing-tag',
      `from.name must be STREAM:TAG${t.from.name ? `, e.g. "${t.from.name}:latest"` : ''}; without a tag OpenShift silently ignores this trigger`,
      [i, 'from', 'name'],
    );
  }
  if (!usable) return undefined;
  return {
    index: i,
    namespace: t.from.namespace === '' ? undefined : t.from.namespace,
    name: t.from.name,
    stream: t.from.name.slice(0, colon),
    tag: t.from.name.slice(colon + 1) || 'latest',
  };
}

/** How to write a fieldPath: the usual container path, and the kinds whose pod template is elsewhere. */
const FIELD_PATH_EXAMPLE = ((): string => {
  const [usual, ...rest] = TRIGGERABLE_KINDS;
  const others = rest
    .filter((k) => k.podSpecFieldPath !== usual!.podSpecFieldPath)
    .map((k) => `${k.kind}: "${k.podSpecFieldPath}..."`);
  return `Use "${usual!.podSpecFieldPath}.containers[?(@.name==\\"NAME\\")].image"${others.length ? ` (${others.join('; ')})` : ''}`;
})();

/**
 * Reads an `image.openshift.io/triggers` value exactly as OpenShift's controller does (Go's
 * encoding/json, then library-go's trigger rules) and reports, loudly, everything it would do
 * silently. With the workload object, also checks the fieldPath against its kind and containers.
 */
export function readTriggers(value: string, object?: WorkloadObject): TriggerReading {
  const findings = new Findings();
  const kind = object?.kind;
  const whole = { start: 0, end: value.length };
  if (object !== undefined && !isTriggerableKind(kind)) {
    findings.add(
      'unsupported-kind',
      'warning',
      `OpenShift never acts on this annotation on a ${String(kind ?? 'object without a kind')}; only ${triggerableKindList()} are triggered`,
      [],
      whole,
    );
  }

  let root: JsonNode;
  try {
    root = parseGoJson(value);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    findings.add(
      'invalid-json',
      'error',
      `the annotation is not valid JSON (${e.message}); OpenShift ignores every trigger of this object`,
      [],
      { start: e.offset, end: Math.min(e.offset + 1, value.length) },
    );
    return { accepted: false, triggers: [], blocking: [], listed: [], problems: findings.problems };
  }
  if (root.type === 'null')
    return { accepted: true, triggers: [], blocking: [], listed: [], problems: findings.problems };
  if (root.type !== 'array') {
    findings.add(
      'not-an-array',
      'error',
      `the annotation must be a JSON array [{"from":{...},"fieldPath":"..."}], not ${typeName(root)}; OpenShift ignores it`,
      [],
      root,
    );
    return { accepted: false, triggers: [], blocking: [], listed: [], problems: findings.problems };
  }

  const decoded = root.items.map((item, i) => decodeEntry(item, i, findings));
  const at = (path: Path) => {
    const hit = locate(root, path);
    return { path: hit.path, span: hit.node };
  };

  const firstUse = new Map<string, number>();
  decoded.forEach((t, i) => {
    const first = firstUse.get(t.fieldPath) ?? i;
    firstUse.set(t.fieldPath, first);
    if (first < i) {
      findings.fatal = true;
      const { path, span } = at([i, 'fieldPath']);
      findings.add(
        'duplicate-field-path',
        'error',
        `trigger ${first} already uses this fieldPath; OpenShift rejects duplicates and ignores every trigger of this object: remove one`,
        path,
        span,
      );
    }
  });

  const triggers: EffectiveTrigger[] = [];
  const blocking: TriggerSource[] = [];
  const listed: ListedTrigger[] = [];
  const podSpec = isTriggerableKind(kind) && object ? podSpecOf(object, kind) : undefined;
  decoded.forEach((t, i) => {
    if (root.items[i]?.type !== 'object') return;
    // Every other mistake of a trigger is reported with its wrong type, so all show at once.
    const mistyped = t.mistyped;
    const problem = (code: ProblemCode, message: string, path: Path) => {
      if (mistyped && [String(path[1]), `${String(path[1])}.${String(path[2])}`].some((f) => mistyped.has(f))) return;
      const loc = at(path);
      findings.add(code, 'error', message, loc.path, loc.span);
    };
    const source = sourceOf(t, i, problem);
    if (t.fieldPath === '') {
      problem('field-path-missing', `fieldPath is missing; OpenShift ignores this trigger. ${FIELD_PATH_EXAMPLE}`, [
        i,
        'fieldPath',
      ]);
      return;
    }
    if (!isTriggerableKind(kind)) return; // without a known kind the base path cannot be judged
    const parsed = parseFieldPath(kind, t.fieldPath);
    if (!parsed.ok && parsed.reason === 'outside-template') {
      problem(
        'field-path-outside-template',
        `this fieldPath is outside a ${kind}'s pod template (${parsed.detail}); OpenShift silently ignores this trigger. A ${kind} container path starts with "${podSpecPath(kind)}.containers["`,
        [i, 'fieldPath'],
      );
      return;
    }
    // Past the base path OpenShift commits to the trigger: a path it cannot follow fails the
    // whole update of the object whenever the tag resolves.
    const blocks = () => {
      if (source && !t.paused) blocking.push(source);
    };
    if (!parsed.ok) {
      problem(
        'field-path-invalid',
        `OpenShift cannot parse this fieldPath: ${parsed.detail}; when its tag resolves, OpenShift fails to update this object at all`,
        [i, 'fieldPath'],
      );
      blocks();
      return;
    }
    if (parsed.loose !== undefined && parsed.selector.by === 'name') {
      const loc = at([i, 'fieldPath']);
      findings.add(
        'field-path-loose-selector',
        'warning',
        `OpenShift reads this selector as the container name "${parsed.selector.name}", because it only needs the ?(@.name==" prefix or the ") suffix; other JSONPath tools do not. Write ${parsed.loose}`,
        loc.path,
        loc.span,
      );
    }
    const container = object ? findContainer(podSpec, parsed.selector) : undefined;
    // Only a pod spec that lists containers can lack one: a kustomize patch or a chart's template
    // without the pod spec gets its containers elsewhere.
    if (object && container === undefined && Array.isArray(podSpec?.containers)) {
      const names = listContainers(podSpec).map((c) => c.name);
      const wanted =
        parsed.selector.by === 'name'
          ? `no container or init container is named "${parsed.selector.name}"`
          : `there is no ${parsed.selector.init ? 'init container' : 'container'} at index ${parsed.selector.index}`;
      problem(
        'container-not-found',
        `${wanted} (containers: ${names.join(', ') || 'none'}); when its tag resolves, OpenShift fails to update this object at all`,
        [i, 'fieldPath'],
      );
      blocks();
    }
    if (container) listed.push({ index: i, from: t.from, paused: t.paused, container });
    if (source)
      triggers.push({ ...source, fieldPath: t.fieldPath, paused: t.paused, selector: parsed.selector, container });
  });

  return findings.fatal
    ? { accepted: false, triggers: [], blocking: [], listed: [], problems: findings.problems }
    : { accepted: true, triggers, blocking, listed, problems: findings.problems };
}
