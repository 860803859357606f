// install's flags for where the controller lives and what it acts on: --install-namespace,
// --watch-namespace, --node-selector and --toleration, checked as the API server would check them,
// so a typo is refused before anything is applied rather than half-way through.
import { CliError } from './errors.js';
import type { Placement, Toleration } from './install-manifests.js';

/** A namespace name: a DNS-1123 label. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** The name part of a label key, and a non-empty label value. */
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;

export function checkNamespace(flag: string, name: string): string {
  if (name.length > 63 || !DNS_LABEL.test(name)) {
    throw new CliError(
      `${flag}: "${name}" is not a namespace name (lower-case letters, digits and '-', at most 63, starting and ending alphanumeric)`,
    );
  }
  return name;
}

/** Why `key` is no label key (`[prefix/]name`, as Kubernetes validates it), or undefined. */
function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = key.slice(slash + 1);
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix)))
    return `its prefix "${prefix}" is not a DNS subdomain`;
  if (name.length > 63 || !LABEL_NAME.test(name))
    return "its name must be 1-63 letters, digits, '-', '_' or '.', starting and ending alphanumeric";
  return undefined;
}

function labelValueProblem(value: string): string | undefined {
  return value === '' || (value.length <= 63 && LABEL_NAME.test(value))
    ? undefined
    : "a label value is at most 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric";
}

/** `--node-selector KEY=VALUE`, repeated: the node labels the controller's pods require. */
export function parseNodeSelector(values: string[]): Record<string, string> | undefined {
  if (values.length === 0) return undefined;
  const selector: Record<string, string> = {};
  for (const item of values) {
    const eq = item.indexOf('=');
    const key = eq < 0 ? item : item.slice(0, eq);
    const problem =
      eq < 0
        ? 'use KEY=VALUE, e.g. node-role.kubernetes.io/infra='
        : (labelKeyProblem(key) ?? labelValueProblem(item.slice(eq + 1)));
    if (problem) throw new CliError(`--node-selector "${item}": ${problem}`);
    selector[key] = item.slice(eq + 1);
  }
  return selector;
}

/**
 * `--toleration KEY[=VALUE][:EFFECT]`, kubectl taint's syntax: with a value the taint must match
 * it (Equal), without one any value does (Exists); without an effect every effect is tolerated.
 */
export function parseToleration(item: string): Toleration {
  const colon = item.lastIndexOf(':');
  const effect = colon < 0 ? undefined : item.slice(colon + 1);
  const keyValue = colon < 0 ? item : item.slice(0, colon);
  const eq = keyValue.indexOf('=');
  const key = eq < 0 ? keyValue : keyValue.slice(0, eq);
  const value = eq < 0 ? undefined : keyValue.slice(eq + 1);
  const problem =
    effect !== undefined && !(EFFECTS as readonly string[]).includes(effect)
      ? `the effect must be ${EFFECTS.join(', ')} (or left out for every effect)`
      : (labelKeyProblem(key) ?? (value === undefined ? undefined : labelValueProblem(value)));
  if (problem) throw new CliError(`--toleration "${item}": ${problem}; use KEY[=VALUE][:EFFECT]`);
  return {
    key,
    operator: value === undefined ? 'Exists' : 'Equal',
    ...(value === undefined ? {} : { value }),
    ...(effect === undefined ? {} : { effect: effect as Toleration['effect'] }),
  };
}

export function parsePlacement(nodeSelector: string[], tolerations: string[]): Placement {
  const selector = parseNodeSelector(nodeSelector);
  return {
    ...(selector ? { nodeSelector: selector } : {}),
    ...(tolerations.length > 0 ? { tolerations: tolerations.map(parseToleration) } : {}),
  };
}
