// Everything `kubectl istream install` puts on a cluster, as plain objects: the ImageStream CRD
// (same group, kind and schema as OpenShift's built-in API) and the controller with its RBAC.
import {
  admissionWebhookConfiguration,
  ADMISSION_CONFIGURATION_NAME,
  lookupGuardPolicy,
  lookupPolicies,
} from '@istream/core/admission';
import { IMAGE_GROUP, IMAGE_STREAM_KIND, IMAGE_STREAM_PLURAL, IMAGE_VERSION } from '@istream/core/imagestream';
import { TRIGGERABLE_KINDS } from '@istream/core/workloads';
import { buildInfo } from './build-info.js';

export const INSTALL_NAMESPACE = 'istream-system';
export const CONTROLLER_NAME = 'istream-controller';

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

/** One rule per API group for the workload kinds the controller triggers. */
function workloadRules(verbs: string[]): { apiGroups: string[]; resources: string[]; verbs: string[] }[] {
  const groups = [...new Set(TRIGGERABLE_KINDS.map((k) => k.group))];
  return groups.map((group) => ({
    apiGroups: [group],
    resources: TRIGGERABLE_KINDS.filter((k) => k.group === group).map((k) => k.resource),
    verbs,
  }));
}

/** The MutatingAdmissionPolicies `install --admission=policy` creates, whose table the controller keeps. */
export function lookupPolicyNames(): string[] {
  return lookupPolicies(INSTALL_NAMESPACE)
    .filter((p) => p.kind === 'MutatingAdmissionPolicy')
    .map((p) => (p.metadata as { name: string }).name);
}

/**
 * What the controller may do, cluster-wide; docs/install.md says what each rule is for (keep the
 * two together). Owned by the controller: edit here when it needs more (or less). No rule grants
 * `delete`; workloads are patched, not replaced (the controller caches only what triggers read).
 */
export const CONTROLLER_RULES = [
  { apiGroups: [IMAGE_GROUP], resources: [IMAGE_STREAM_PLURAL], verbs: ['get', 'list', 'watch', 'create', 'update'] },
  { apiGroups: [IMAGE_GROUP], resources: [`${IMAGE_STREAM_PLURAL}/status`], verbs: ['get', 'update'] },
  { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] },
  ...workloadRules(['get', 'list', 'watch', 'patch']),
  { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
  { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
  { apiGroups: ['networking.k8s.io'], resources: ['servicecidrs'], verbs: ['list'] },
  // Admission: the caBundle of its own webhook configuration; the policy backend's table.
  {
    apiGroups: ['admissionregistration.k8s.io'],
    resources: ['mutatingwebhookconfigurations'],
    resourceNames: [ADMISSION_CONFIGURATION_NAME],
    verbs: ['get', 'update'],
  },
  {
    apiGroups: ['admissionregistration.k8s.io'],
    resources: ['mutatingadmissionpolicies'],
    resourceNames: lookupPolicyNames(),
    verbs: ['get', 'update'],
  },
];

/** The leader Lease, in the controller's own namespace only (a Role, not a ClusterRole). */
export const LEADER_ELECTION_RULES = [
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
  {
    apiGroups: ['coordination.k8s.io'],
    resources: ['leases'],
    resourceNames: [CONTROLLER_NAME],
    verbs: ['get', 'update'],
  },
];

const labels = { 'app.kubernetes.io/name': 'istream', 'app.kubernetes.io/component': 'controller' };

/** On the controller Deployment: the plugin version that installed it, which `version` reports. */
export const VERSION_LABEL = 'app.kubernetes.io/version';

/** How `version` finds the controller Deployment. */
export const CONTROLLER_SELECTOR = Object.entries(labels)
  .map(([k, v]) => `${k}=${v}`)
  .join(',');

const str = { type: 'string' };
const bool = { type: 'boolean' };
const int64 = { type: 'integer', format: 'int64' };
const time = { type: 'string', format: 'date-time' };

/** A CEL rule with OpenShift's field path (relative to the rule's object) and message (openshift-apiserver image validation). */
function rule(
  expression: string,
  fieldPath: string,
  reason: 'FieldValueInvalid' | 'FieldValueRequired',
  message: string,
): object {
  return { rule: expression, fieldPath, reason, message };
}

const SOURCE_KINDS = "['DockerImage', 'ImageStreamImage', 'ImageStreamTag']";

// Defaults are those OpenShift's API server fills in (openshift/api image/v1 defaulting), so a
// stream written with kubectl reads back as it would on OpenShift.
const tagReference = {
  type: 'object',
  required: ['name'],
  properties: {
    name: str,
    annotations: { type: 'object', nullable: true, additionalProperties: str },
    from: {
      type: 'object',
      properties: {
        kind: str,
        name: str,
        namespace: str,
        apiVersion: str,
        uid: str,
        resourceVersion: str,
        fieldPath: str,
      },
    },
    reference: bool,
    generation: { ...int64, nullable: true },
    importPolicy: {
      type: 'object',
      default: {},
      properties: {
        insecure: bool,
        scheduled: bool,
        importMode: { type: 'string', enum: ['', 'Legacy', 'PreserveOriginal'], default: 'Legacy' },
      },
    },
    referencePolicy: {
      type: 'object',
      default: {},
      properties: { type: { type: 'string', enum: ['', 'Source', 'Local'], default: 'Source' } },
    },
  },
  'x-kubernetes-validations': [
    rule(
      "!has(self.from) || (has(self.from.name) && self.from.name != '')",
      '.from.name',
      'FieldValueRequired',
      'the source image, stream tag or stream image must be named',
    ),
    rule(
      `!has(self.from) || (has(self.from.kind) && self.from.kind in ${SOURCE_KINDS})`,
      '.from.kind',
      'FieldValueRequired',
      "valid values are 'DockerImage', 'ImageStreamImage', 'ImageStreamTag'",
    ),
    rule(
      "!has(self.from) || !has(self.from.kind) || self.from.kind == 'DockerImage' || !has(self.importPolicy) || !has(self.importPolicy.scheduled) || !self.importPolicy.scheduled",
      '.importPolicy.scheduled',
      'FieldValueInvalid',
      'only tags pointing to Docker repositories may be scheduled for background import',
    ),
  ],
};

const namedTagEventList = {
  type: 'object',
  required: ['tag'],
  properties: {
    tag: str,
    items: {
      type: 'array',
      nullable: true,
      items: {
        type: 'object',
        properties: { created: time, dockerImageReference: str, image: str, generation: int64 },
      },
    },
    conditions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['type', 'status'],
        properties: { type: str, status: str, lastTransitionTime: time, reason: str, message: str, generation: int64 },
      },
    },
  },
};

export function imageStreamCrd(): Manifest {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${IMAGE_STREAM_PLURAL}.${IMAGE_GROUP}`, labels: { 'app.kubernetes.io/name': 'istream' } },
    spec: {
      group: IMAGE_GROUP,
      scope: 'Namespaced',
      names: {
        plural: IMAGE_STREAM_PLURAL,
        singular: 'imagestream',
        kind: IMAGE_STREAM_KIND,
        listKind: 'ImageStreamList',
        shortNames: ['is'],
      },
      versions: [
        {
          name: IMAGE_VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          // Plain `kubectl get is` comes close to oc's NAME IMAGE REPOSITORY TAGS UPDATED; `kubectl
          // istream get is` prints oc's columns exactly (Updated there is the newest tag's time).
          additionalPrinterColumns: [
            { name: 'Image Repository', type: 'string', jsonPath: '.status.dockerImageRepository' },
            { name: 'Tags', type: 'string', jsonPath: '.status.tags[*].tag' },
            { name: 'Updated', type: 'date', jsonPath: '.status.tags[0].items[0].created' },
          ],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                apiVersion: str,
                kind: str,
                metadata: { type: 'object' },
                spec: {
                  type: 'object',
                  default: {},
                  properties: {
                    lookupPolicy: { type: 'object', default: {}, properties: { local: { ...bool, default: false } } },
                    dockerImageRepository: str,
                    tags: {
                      type: 'array',
                      items: tagReference,
                      'x-kubernetes-list-type': 'map',
                      'x-kubernetes-list-map-keys': ['name'],
                    },
                  },
                  'x-kubernetes-validations': [
                    rule(
                      "!has(self.dockerImageRepository) || self.dockerImageRepository.contains('@') || !self.dockerImageRepository.matches(':[^/]*$')",
                      '.dockerImageRepository',
                      'FieldValueInvalid',
                      'the repository name may not contain a tag',
                    ),
                    rule(
                      "!has(self.dockerImageRepository) || !self.dockerImageRepository.contains('@')",
                      '.dockerImageRepository',
                      'FieldValueInvalid',
                      'the repository name may not contain an ID',
                    ),
                  ],
                },
                status: {
                  type: 'object',
                  properties: {
                    dockerImageRepository: str,
                    publicDockerImageRepository: str,
                    tags: {
                      type: 'array',
                      items: namedTagEventList,
                      'x-kubernetes-list-type': 'map',
                      'x-kubernetes-list-map-keys': ['tag'],
                    },
                  },
                },
              },
            },
          },
        },
      ],
    },
  };
}

/** The port /healthz, /readyz and /metrics are served on in the pod. */
export const METRICS_PORT = 8080;
/** The image's user (ship/image.mjs): distroless's "nonroot". */
const NONROOT = 65532;

/** The controller container's memory limit. */
const CONTROLLER_MEMORY_LIMIT_MIB = 256;
/**
 * V8's old-space cap in that container. Node sizes its heap to the cgroup's limit (a 259 MiB heap
 * in a 256 MiB cgroup, measured), leaving no room for code, buffers and native memory, so a roll
 * of 10,000 workloads could be OOM-killed before V8 collects. Half the limit keeps the controller's
 * peak at 228 MiB with 10,000 + 10,000 Deployments (BENCHMARKS.md, "Trigger latency").
 */
export const CONTROLLER_HEAP_MIB = CONTROLLER_MEMORY_LIMIT_MIB / 2;

/** A pod toleration, as `install --toleration` writes it. */
export interface Toleration {
  key: string;
  operator: 'Equal' | 'Exists';
  value?: string;
  /** Absent: every effect. */
  effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** Which nodes the controller's pods may run on (`install --node-selector`, `--toleration`). */
export interface Placement {
  nodeSelector?: Record<string, string>;
  tolerations?: Toleration[];
}

export interface InstallOptions {
  /** The namespace of the controller and its namespaced objects; default istream-system. */
  namespace?: string;
  /** The one namespace the controller acts in (its `--namespace`); undefined: every namespace. */
  watchNamespace?: string;
  placement?: Placement;
  /** The controller image (entrypoint kubectl-istream, command `controller`); undefined: no controller in the cluster. */
  image?: string;
  /** OpenShift serves ImageStreams itself: no CRD then. */
  includeCrd: boolean;
  /** Image lookup at admission: the controller's webhook (default), a MutatingAdmissionPolicy, or none. */
  admission?: AdmissionMode;
  /** Serve registry events (`--events`): the receiver on the controller and a Service in front of it. */
  events?: boolean;
}

export const ADMISSION_MODES = ['webhook', 'policy', 'none'] as const;
export type AdmissionMode = (typeof ADMISSION_MODES)[number];

export const ADMISSION_SERVICE = 'istream-admission';
export const ADMISSION_SECRET = 'istream-admission-tls';
/** The port the controller serves admission on in its pod. */
export const ADMISSION_PORT = 8443;

/**
 * The webhook backend: the Service in front of the controller's admission port, a Role for the
 * one Secret holding its certificates, the webhook configuration and the guard policy. The policy
 * backend: CEL policies the API server runs itself (the controller keeps their parameters).
 */
export function admissionManifests(mode: AdmissionMode, ns = INSTALL_NAMESPACE): Manifest[] {
  if (mode === 'none') return [];
  const guard = lookupGuardPolicy(ns) as Manifest[];
  if (mode === 'policy') return [...(lookupPolicies(ns) as Manifest[]), ...guard];
  const meta = (name: string) => ({ name, namespace: ns, labels });
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta(ADMISSION_SECRET),
      rules: [
        { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
        { apiGroups: [''], resources: ['secrets'], resourceNames: [ADMISSION_SECRET], verbs: ['get', 'update'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta(ADMISSION_SECRET),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: ADMISSION_SECRET },
      subjects: [{ kind: 'ServiceAccount', name: CONTROLLER_NAME, namespace: ns }],
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(ADMISSION_SERVICE),
      spec: { selector: labels, ports: [{ name: 'https', port: 443, targetPort: ADMISSION_PORT }] },
    },
    admissionWebhookConfiguration({
      endpoint: { service: { namespace: ns, name: ADMISSION_SERVICE, port: 443 } },
      istreamNamespace: ns,
    }) as Manifest,
    ...guard,
  ];
}

export const EVENTS_SERVICE = 'istream-registry-events';
/** The Secret (created by the operator) whose `token` key every registry event must present. */
export const EVENTS_SECRET = 'istream-registry-events';
/** The port the controller serves registry events on in its pod. */
export const EVENTS_PORT = 8088;
const eventsTokenDir = '/etc/istream/registry-events';
/** Well past kube-proxy's sync of a terminating pod's endpoints (about a second), inside the 30 s grace period. */
const EVENTS_SHUTDOWN_DELAY = '5s';

/** What `--events` adds to the controller's pod: the listener and the token Secret, mounted (no API read, no RBAC). */
function eventsPod(events: boolean | undefined): {
  args: string[];
  volumeMounts?: object[];
  volumes?: object[];
  ports?: object[];
} {
  if (!events) return { args: [] };
  return {
    // The Service routes to a deleted pod until its endpoints are gone: keep answering meanwhile.
    args: [
      `--events-bind-address=:${EVENTS_PORT}`,
      `--events-token-file=${eventsTokenDir}/token`,
      `--events-shutdown-delay=${EVENTS_SHUTDOWN_DELAY}`,
    ],
    ports: [{ name: 'registry-events', containerPort: EVENTS_PORT }],
    volumeMounts: [{ name: 'registry-events-token', mountPath: eventsTokenDir, readOnly: true }],
    volumes: [{ name: 'registry-events-token', secret: { secretName: EVENTS_SECRET } }],
  };
}

const namespaced = (ns: string) => ({ name: CONTROLLER_NAME, namespace: ns, labels });

/**
 * The ClusterRole and ClusterRoleBinding of an install in `ns`: cluster-wide names, so an install
 * outside istream-system carries its namespace in them, and two installs never rebind (or
 * uninstall) each other's.
 */
export function clusterRbacName(ns: string): string {
  return ns === INSTALL_NAMESPACE ? CONTROLLER_NAME : `${CONTROLLER_NAME}-${ns}`;
}

/** The namespace, with the restricted Pod Security profile enforced: the controller needs no more. */
function namespace(ns: string): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: ns,
      labels: {
        'app.kubernetes.io/name': 'istream',
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/warn': 'restricted',
      },
    },
  };
}

function rbac(ns: string): Manifest[] {
  const roleRef = (kind: string, name: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind, name });
  const subjects = [{ kind: 'ServiceAccount', name: CONTROLLER_NAME, namespace: ns }];
  const clusterName = clusterRbacName(ns);
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: namespaced(ns) },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: clusterName, labels },
      rules: CONTROLLER_RULES,
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: clusterName, labels },
      roleRef: roleRef('ClusterRole', clusterName),
      subjects,
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: namespaced(ns),
      rules: LEADER_ELECTION_RULES,
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: namespaced(ns),
      roleRef: roleRef('Role', CONTROLLER_NAME),
      subjects,
    },
  ];
}

/**
 * Two replicas, one acting (the Lease), the other ready to take over; the restricted Pod Security
 * profile; probes on the endpoints every replica serves (a standby is ready once its caches sync).
 */
function controllerDeployment(options: InstallOptions & { image: string }, ns: string): Manifest {
  const { image, admission = 'webhook', events, watchNamespace, placement = {} } = options;
  const eventsPart = eventsPod(events);
  const probe = (path: string) => ({
    httpGet: { path, port: 'metrics' },
    periodSeconds: 10,
    timeoutSeconds: 2,
    failureThreshold: 3,
  });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { ...namespaced(ns), labels: { ...labels, [VERSION_LABEL]: buildInfo().version } },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      // A new version comes up before an old one goes: the Lease moves over without a gap.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: CONTROLLER_NAME,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: NONROOT,
            runAsGroup: NONROOT,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          // Replicas on different nodes where there are several, so one node's loss leaves a standby.
          affinity: {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                {
                  weight: 100,
                  podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: labels } },
                },
              ],
            },
          },
          ...(placement.nodeSelector ? { nodeSelector: placement.nodeSelector } : {}),
          ...(placement.tolerations ? { tolerations: placement.tolerations } : {}),
          containers: [
            {
              name: 'controller',
              image,
              // The CLI's default serves metrics on loopback only; in a pod they are for the cluster.
              args: [
                'controller',
                '--leader-elect',
                `--metrics-bind-address=:${METRICS_PORT}`,
                '--log-format=json',
                `--admission=${admission}`,
                ...(watchNamespace === undefined ? [] : [`--namespace=${watchNamespace}`]),
                ...eventsPart.args,
              ],
              // POD_NAMESPACE: the Lease's namespace (the default of --leader-elect-namespace).
              env: [
                { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                { name: 'NODE_OPTIONS', value: `--max-old-space-size=${CONTROLLER_HEAP_MIB}` },
              ],
              ports: [{ name: 'metrics', containerPort: METRICS_PORT, protocol: 'TCP' }, ...(eventsPart.ports ?? [])],
              ...(eventsPart.volumeMounts ? { volumeMounts: eventsPart.volumeMounts } : {}),
              readinessProbe: probe('/readyz'),
              livenessProbe: { ...probe('/healthz'), initialDelaySeconds: 10 },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                capabilities: { drop: ['ALL'] },
              },
              resources: {
                requests: { cpu: '20m', memory: '64Mi' },
                limits: { cpu: '1', memory: `${CONTROLLER_MEMORY_LIMIT_MIB}Mi` },
              },
            },
          ],
          ...(eventsPart.volumes ? { volumes: eventsPart.volumes } : {}),
        },
      },
    },
  };
}

/** `--events`: the Service registries post their notifications to, in front of every replica. */
function eventsService(ns: string): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: EVENTS_SERVICE, namespace: ns, labels },
    spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: EVENTS_PORT }] },
  };
}

function controllerAvailability(ns: string): Manifest[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: `${CONTROLLER_NAME}-metrics`, namespace: ns, labels },
      spec: {
        selector: labels,
        ports: [{ name: 'metrics', port: METRICS_PORT, targetPort: 'metrics', protocol: 'TCP' }],
      },
    },
    // A drain takes one replica at a time: the other keeps (or takes) the Lease.
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: namespaced(ns),
      spec: { minAvailable: 1, selector: { matchLabels: labels } },
    },
  ];
}

/**
 * Everything install applies, in order (what a later object needs comes first); uninstall deletes
 * the same list backwards. A new part (webhooks, say) is one more entry here.
 */
const PARTS: Array<(options: InstallOptions, ns: string) => Manifest[]> = [
  (o) => (o.includeCrd ? [imageStreamCrd()] : []),
  (_, ns) => [namespace(ns)],
  (_, ns) => rbac(ns),
  (o, ns) =>
    o.image === undefined ? [] : [controllerDeployment({ ...o, image: o.image }, ns), ...controllerAvailability(ns)],
  (o, ns) => admissionManifests(o.admission ?? 'webhook', ns),
  (o, ns) => (o.events && o.image !== undefined ? [eventsService(ns)] : []),
];

export function installManifests(options: InstallOptions): Manifest[] {
  return PARTS.flatMap((part) => part(options, options.namespace ?? INSTALL_NAMESPACE));
}

/** How kubectl names an object in its messages: `kind.group/name` (`deployment.apps/x`). */
export function qualifiedName(m: Manifest): string {
  const slash = m.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : m.apiVersion.slice(0, slash);
  return `${m.kind.toLowerCase()}${group ? `.${group}` : ''}/${m.metadata.name}`;
}

/** What the controller creates itself in its namespace, which uninstall removes with the rest. */
export function controllerCreatedObjects(ns = INSTALL_NAMESPACE): Manifest[] {
  return [
    {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: CONTROLLER_NAME, namespace: ns },
    },
  ];
}
