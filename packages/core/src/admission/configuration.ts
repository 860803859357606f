// The admission objects `install` applies and the tests register: the mutating webhooks (image
// lookup, image stream strategy) and the ValidatingAdmissionPolicy that keeps lookup closed when
// the webhook does not answer. Why each fails open or closed: docs/architecture.md, "Admission".
import type { KubeObject } from '../cluster/index.js';
import { WORKLOAD_KINDS, type WorkloadKind } from '../workloads/index.js';
import { RESOLVE_NAMES_ANNOTATION } from './image-lookup.js';

/** Paths the admission server answers on. */
export const IMAGE_LOOKUP_PATH = '/image-lookup';
export const IMAGE_STREAM_STRATEGY_PATH = '/imagestream-strategy';

/** Namespaces opt in to image lookup with this label. */
export const IMAGE_LOOKUP_LABEL = 'istream.io/image-lookup';
export const IMAGE_LOOKUP_LABEL_VALUE = 'enabled';
export const ADMISSION_CONFIGURATION_NAME = 'istream-admission';
export const IMAGE_LOOKUP_WEBHOOK_NAME = 'image-lookup.istream.io';
/** Never intercepted, whatever their labels say (with istream's own namespace). */
export const NEVER_INTERCEPTED_NAMESPACES: readonly string[] = ['kube-system'];
export const LOOKUP_GUARD_POLICY_NAME = 'istream-image-lookup-guard';

export type WebhookEndpoint = { url: string } | { service: { namespace: string; name: string; port: number } };

export interface AdmissionConfigurationOptions {
  endpoint: WebhookEndpoint;
  /** istream's own namespace: never intercepted, so the controller can always start. */
  istreamNamespace: string;
  /** PEM bundle; the controller fills it in when absent. */
  caBundle?: string;
}

const ADMISSION_API = 'admissionregistration.k8s.io/v1';

function clientConfig(endpoint: WebhookEndpoint, path: string, caBundle: string | undefined): Record<string, unknown> {
  const ca = caBundle ? { caBundle: Buffer.from(caBundle).toString('base64') } : {};
  if ('url' in endpoint) return { url: `${endpoint.url.replace(/\/$/, '')}${path}`, ...ca };
  return { service: { ...endpoint.service, path }, ...ca };
}

/** kube-system and istream's namespace are never intercepted, whatever their labels say. */
function neverIntercepted(istreamNamespace: string): Record<string, unknown> {
  return {
    key: 'kubernetes.io/metadata.name',
    operator: 'NotIn',
    values: [...new Set([...NEVER_INTERCEPTED_NAMESPACES, istreamNamespace])],
  };
}

function optedInNamespaces(istreamNamespace: string): Record<string, unknown> {
  return {
    matchExpressions: [
      { key: IMAGE_LOOKUP_LABEL, operator: 'In', values: [IMAGE_LOOKUP_LABEL_VALUE] },
      neverIntercepted(istreamNamespace),
    ],
  };
}

/** One rule per workload kind of the table (Pods included), main resource only. */
function workloadRules(): Array<Record<string, unknown>> {
  return WORKLOAD_KINDS.map((k) => ({
    apiGroups: [k.group],
    apiVersions: [k.version],
    resources: [k.resource],
    operations: ['CREATE', 'UPDATE'],
    scope: 'Namespaced',
  }));
}

/** CEL for an optional field path: `object.?spec.?template.?spec`. */
const optionalPath = (root: string, path: readonly string[]): string => `${root}${path.map((p) => `.?${p}`).join('')}`;

/** CEL: the optional pod spec of `root`, by its kind, from the table. */
function podSpecCel(root: string): string {
  const byPath = new Map<string, WorkloadKind[]>();
  for (const k of WORKLOAD_KINDS) byPath.set(k.podSpecFieldPath, [...(byPath.get(k.podSpecFieldPath) ?? []), k]);
  const branches = [...byPath.values()];
  const last = branches.pop()!;
  return branches.reduceRight(
    (otherwise, kinds) =>
      `(${kinds.map((k) => `${root}.kind == '${k.kind}'`).join(' || ')} ? ${optionalPath(root, kinds[0]!.podSpecPath)} : ${otherwise})`,
    optionalPath(root, last[0]!.podSpecPath),
  );
}

/** CEL: every container and init container of `root` (a list, empty when there are none). */
function containersCel(root: string): string {
  const spec = podSpecCel(root);
  return `(${spec}.?containers.orValue([]) + ${spec}.?initContainers.orValue([]))`;
}

const singleSegment = (image: string): string => `(!${image}.contains('/') && !${image}.contains('@'))`;

const notControlled = {
  name: 'not-controller-owned',
  expression: '!object.metadata.?ownerReferences.orValue([]).exists(r, r.?controller.orValue(false))',
};

/**
 * The webhook is called only for objects that could need it: a single-segment image (the only
 * names local lookup resolves) or the resolve-names annotation on the object or its template.
 */
function namesAStream(): { name: string; expression: string } {
  const annotated = (root: string): string =>
    `${root}.?metadata.?annotations[?'${RESOLVE_NAMES_ANNOTATION}'].orValue('') == '*'`;
  const templates = [
    ...new Set(WORKLOAD_KINDS.filter((k) => k.podSpecPath.length > 1).map((k) => k.podSpecPath.slice(0, -1).join('.'))),
  ];
  const templateAnnotated = templates.map((t) => annotated(optionalPath('object', t.split('.'))));
  return {
    name: 'names-a-stream',
    expression: [
      annotated('object'),
      ...templateAnnotated,
      `${containersCel('object')}.exists(c, ${singleSegment("c.?image.orValue('/')")})`,
    ].join(' || '),
  };
}

/** The MutatingWebhookConfiguration with the image lookup and image stream strategy webhooks. */
export function admissionWebhookConfiguration(options: AdmissionConfigurationOptions): Record<string, unknown> {
  const common = { admissionReviewVersions: ['v1'], sideEffects: 'None', timeoutSeconds: 5, matchPolicy: 'Equivalent' };
  return {
    apiVersion: ADMISSION_API,
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: ADMISSION_CONFIGURATION_NAME, labels: { 'app.kubernetes.io/managed-by': 'istream' } },
    webhooks: [
      {
        name: IMAGE_LOOKUP_WEBHOOK_NAME,
        ...common,
        clientConfig: clientConfig(options.endpoint, IMAGE_LOOKUP_PATH, options.caBundle),
        rules: workloadRules(),
        namespaceSelector: optedInNamespaces(options.istreamNamespace),
        matchConditions: [notControlled, namesAStream()],
        // Open here, closed by the lookup guard policy: an object that names a lookup stream is
        // refused with a message saying what to do, every other object is admitted.
        failurePolicy: 'Ignore',
        reinvocationPolicy: 'IfNeeded',
      },
      {
        name: 'imagestream-strategy.istream.io',
        ...common,
        clientConfig: clientConfig(options.endpoint, IMAGE_STREAM_STRATEGY_PATH, options.caBundle),
        rules: [
          {
            apiGroups: ['image.openshift.io'],
            apiVersions: ['v1'],
            resources: ['imagestreams'],
            operations: ['CREATE', 'UPDATE'],
            scope: 'Namespaced',
          },
        ],
        namespaceSelector: { matchExpressions: [neverIntercepted(options.istreamNamespace)] },
        // The controller applies the same rules when it next sees the stream.
        failurePolicy: 'Ignore',
        reinvocationPolicy: 'Never',
      },
    ],
  };
}

/**
 * The ValidatingAdmissionPolicy and binding that refuse, in opted-in namespaces, an object still
 * naming a tag of a stream with lookupPolicy.local after mutation: the webhook did not answer, and
 * the node would pull a same-named image from Docker Hub. Each ImageStream of the namespace is a
 * parameter, so the API server decides this without the controller.
 */
export function lookupGuardPolicy(istreamNamespace: string): Array<Record<string, unknown>> {
  const unchanged = `oldObject != null && ${containersCel('oldObject')}.exists(o, o.?name.orValue('') == c.?name.orValue('') && o.?image.orValue('') == c.?image.orValue(''))`;
  const namesParam = `${singleSegment("c.?image.orValue('/')")} && c.image.split(':')[0] == params.metadata.name`;
  return [
    {
      apiVersion: ADMISSION_API,
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: LOOKUP_GUARD_POLICY_NAME, labels: { 'app.kubernetes.io/managed-by': 'istream' } },
      spec: {
        failurePolicy: 'Fail',
        paramKind: { apiVersion: 'image.openshift.io/v1', kind: 'ImageStream' },
        matchConstraints: { resourceRules: workloadRules(), namespaceSelector: optedInNamespaces(istreamNamespace) },
        matchConditions: [notControlled],
        variables: [
          { name: 'lookup', expression: 'params.?spec.?lookupPolicy.?local.orValue(false)' },
          { name: 'unresolved', expression: `${containersCel('object')}.filter(c, ${namesParam} && !(${unchanged}))` },
        ],
        validations: [
          {
            expression: '!variables.lookup || size(variables.unresolved) == 0',
            messageExpression: `'istream did not resolve image "' + variables.unresolved[0].image + '" of container "' + variables.unresolved[0].name + '": ImageStream ' + params.metadata.name + ' has lookupPolicy.local, but the istream admission webhook did not answer. Start the istream controller (kubectl istream install, or kubectl istream controller) and retry, or name the image by its full reference.'`,
            reason: 'Forbidden',
          },
        ],
      },
    },
    {
      apiVersion: ADMISSION_API,
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: LOOKUP_GUARD_POLICY_NAME, labels: { 'app.kubernetes.io/managed-by': 'istream' } },
      spec: {
        policyName: LOOKUP_GUARD_POLICY_NAME,
        validationActions: ['Deny'],
        paramRef: { selector: {}, parameterNotFoundAction: 'Allow' },
        matchResources: { namespaceSelector: optedInNamespaces(istreamNamespace) },
      },
    },
  ];
}

/** Names of the policy backend's objects: one policy per pod spec location of the kind table. */
export const LOOKUP_POLICY_NAME = 'istream-image-lookup';

/** Resolved stream tags per namespace: `{ NAMESPACE: { STREAM_TAG: PULL_SPEC } }` (see lookupParams). */
export type LookupTable = Record<string, Record<string, string>>;

/**
 * The policy's table as a CEL variable: a map literal (JSON's string and map syntax is CEL's)
 * indexed by the request's namespace. The controller rewrites it when a lookup stream moves.
 */
export function lookupTableVariable(table: LookupTable): { name: string; expression: string } {
  return { name: 'resolved', expression: `${JSON.stringify(table)}[?request.namespace].orValue({})` };
}

/**
 * CEL that rebuilds the containers of one list (`containers`, `initContainers`) at `path` with
 * the images the table resolves, as an apply configuration merged by container name.
 */
function resolvedListCel(path: readonly string[], list: string): string {
  const typeName = ['Object', ...path, list].join('.');
  const items = `${optionalPath('object', path)}.?${list}.orValue([])`;
  const oldItems = `(oldObject == null ? [] : ${optionalPath('oldObject', path)}.?${list}.orValue([]))`;
  // The key lookupParams writes: STREAM_TAG (stream names never contain `_`, so it cannot clash).
  const key = "(c.image.split(':')[0] + '_' + (c.image.contains(':') ? c.image.split(':')[1] : 'latest'))";
  const resolvable = `c.?image.hasValue() && ${singleSegment('c.image')} && ${key} in variables.resolved && !${oldItems}.exists(o, o.?name.orValue('') == c.name && o.?image.orValue('') == c.image)`;
  return `${items}.filter(c, ${resolvable}).map(c, ${typeName}{name: c.name, image: variables.resolved[${key}]})`;
}

function applyConfigurationCel(path: readonly string[]): string {
  // Left out when empty: an empty list would set initContainers on an object that had none.
  const lists = ['containers', 'initContainers'].map((list) => {
    const resolved = resolvedListCel(path, list);
    return `?${list}: size(${resolved}) > 0 ? optional.of(${resolved}) : optional.none()`;
  });
  let inner = `${['Object', ...path].join('.')}{${lists.join(', ')}}`;
  for (let i = path.length - 1; i >= 0; i--)
    inner = `${['Object', ...path.slice(0, i)].join('.')}{${path[i]}: ${inner}}`;
  return inner;
}

/**
 * The MutatingAdmissionPolicy backend of image lookup (admissionregistration.k8s.io/v1): one
 * policy per pod spec location of the kind table, each carrying the table of resolved stream
 * tags that the controller keeps current. No TLS, no serving pod, and lookups keep working with
 * the table last written while the controller is down. resolve-names is the webhook's alone.
 */
export function lookupPolicies(istreamNamespace: string, table: LookupTable = {}): Array<Record<string, unknown>> {
  const byPath = new Map<string, WorkloadKind[]>();
  for (const k of WORKLOAD_KINDS) byPath.set(k.podSpecFieldPath, [...(byPath.get(k.podSpecFieldPath) ?? []), k]);
  return [...byPath.values()].flatMap((kinds) => {
    const name = `${LOOKUP_POLICY_NAME}-${kinds[0]!.podSpecPath.join('-').toLowerCase()}`;
    const labels = { 'app.kubernetes.io/managed-by': 'istream' };
    return [
      {
        apiVersion: ADMISSION_API,
        kind: 'MutatingAdmissionPolicy',
        metadata: { name, labels },
        spec: {
          matchConstraints: {
            resourceRules: kinds.map((k) => ({
              apiGroups: [k.group],
              apiVersions: [k.version],
              resources: [k.resource],
              operations: ['CREATE', 'UPDATE'],
            })),
            namespaceSelector: optedInNamespaces(istreamNamespace),
          },
          matchConditions: [
            notControlled,
            {
              name: 'names-a-single-segment-image',
              expression: `${containersCel('object')}.exists(c, ${singleSegment("c.?image.orValue('/')")})`,
            },
          ],
          variables: [lookupTableVariable(table)],
          failurePolicy: 'Fail',
          reinvocationPolicy: 'IfNeeded',
          mutations: [
            {
              patchType: 'ApplyConfiguration',
              applyConfiguration: { expression: applyConfigurationCel(kinds[0]!.podSpecPath) },
            },
          ],
        },
      },
      {
        apiVersion: ADMISSION_API,
        kind: 'MutatingAdmissionPolicyBinding',
        metadata: { name, labels },
        spec: { policyName: name, matchResources: { namespaceSelector: optedInNamespaces(istreamNamespace) } },
      },
    ];
  });
}

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

/** The API server's reading of a label selector; an absent selector matches everything. */
export function selectorMatches(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  const pairs = Object.entries(selector?.matchLabels ?? {});
  if (!pairs.every(([key, value]) => labels[key] === value)) return false;
  return (selector?.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    const has = Object.hasOwn(labels, key);
    if (operator === 'In') return has && values.includes(labels[key]!);
    if (operator === 'NotIn') return !has || !values.includes(labels[key]!);
    if (operator === 'Exists') return has;
    return operator === 'DoesNotExist' && !has;
  });
}

/** One installed image lookup backend: a webhook of a MutatingWebhookConfiguration, or a policy. */
export interface LookupBackend {
  kind: 'MutatingWebhookConfiguration' | 'MutatingAdmissionPolicy';
  name: string;
  /** Whether it admits objects of the namespace asked about. */
  intercepts: boolean;
}

/** The admission objects on a cluster, as listed: any of them, istream's or not. */
export interface InstalledAdmission {
  webhookConfigurations: readonly KubeObject[];
  policies: readonly KubeObject[];
  policyBindings: readonly KubeObject[];
}

const nameOf = (o: KubeObject): string => o.metadata?.name ?? '';

/**
 * istream's image lookup backends for `resource` (a plural resource name) among the installed
 * admission objects (found by the webhook's and the policies' names, so renamed or narrowed copies
 * count), each with whether its namespace selectors admit a namespace with these labels, as the
 * API server decides it.
 */
export function lookupBackends(
  installed: InstalledAdmission,
  namespaceLabels: Record<string, string>,
  resource: string,
): LookupBackend[] {
  const webhooks = installed.webhookConfigurations.flatMap((config) => {
    const hooks = ((config as { webhooks?: unknown }).webhooks ?? []) as Array<{
      name?: string;
      namespaceSelector?: LabelSelector;
    }>;
    return hooks
      .filter((w) => w.name === IMAGE_LOOKUP_WEBHOOK_NAME)
      .map((w) => ({
        kind: 'MutatingWebhookConfiguration' as const,
        name: nameOf(config),
        intercepts: selectorMatches(w.namespaceSelector, namespaceLabels),
      }));
  });
  const policies = installed.policies
    .filter((p) => nameOf(p).startsWith(LOOKUP_POLICY_NAME))
    .flatMap((policy) => {
      const spec = (policy as { spec?: unknown }).spec as
        | { matchConstraints?: { namespaceSelector?: LabelSelector; resourceRules?: Array<{ resources?: string[] }> } }
        | undefined;
      const forResource = (spec?.matchConstraints?.resourceRules ?? []).some((r) => r.resources?.includes(resource));
      const bound = installed.policyBindings.some((b) => {
        const binding = (b as { spec?: unknown }).spec as
          | { policyName?: string; matchResources?: { namespaceSelector?: LabelSelector } }
          | undefined;
        return (
          binding?.policyName === nameOf(policy) &&
          selectorMatches(binding.matchResources?.namespaceSelector, namespaceLabels)
        );
      });
      if (!forResource) return [];
      return [
        {
          kind: 'MutatingAdmissionPolicy' as const,
          name: nameOf(policy),
          intercepts: bound && selectorMatches(spec?.matchConstraints?.namespaceSelector, namespaceLabels),
        },
      ];
    });
  return [...webhooks, ...policies];
}
