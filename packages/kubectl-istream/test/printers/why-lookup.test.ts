// The image lookup answers of `why` that the shared sandbox cannot show (its other tests install
// admission objects of their own): no backend at all, kube-system, and which installed backend
// admits a namespace, read from the configurations `install` writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  admissionWebhookConfiguration,
  lookupBackends,
  lookupPolicies,
  type InstalledAdmission,
} from '@istream/core/admission';
import type { KubeObject } from '@istream/core/cluster';
import { workloadKind } from '@istream/core/workloads';
import { explainLookup } from '../../src/printers/why-lookup.js';

const podKind = workloadKind('Pod')!;
const pod = (image: string): KubeObject =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web' },
    spec: { containers: [{ name: 'app', image }] },
  }) as KubeObject;

const webhook = admissionWebhookConfiguration({
  endpoint: { service: { namespace: 'istream-system', name: 'istream', port: 443 } },
  istreamNamespace: 'istream-system',
}) as KubeObject;
const policyObjects = lookupPolicies('istream-system') as KubeObject[];
const installedWebhook: InstalledAdmission = { webhookConfigurations: [webhook], policies: [], policyBindings: [] };
const installedPolicy: InstalledAdmission = {
  webhookConfigurations: [],
  policies: policyObjects.filter((o) => o.kind === 'MutatingAdmissionPolicy'),
  policyBindings: policyObjects.filter((o) => o.kind === 'MutatingAdmissionPolicyBinding'),
};
const labels = (ns: string, optedIn: boolean): Record<string, string> => ({
  'kubernetes.io/metadata.name': ns,
  ...(optedIn ? { 'istream.io/image-lookup': 'enabled' } : {}),
});

test('the installed backends admit exactly the opted-in namespaces, never kube-system or istream’s own', () => {
  assert.deepEqual(lookupBackends(installedWebhook, labels('shop', true), 'pods'), [
    { kind: 'MutatingWebhookConfiguration', name: 'istream-admission', intercepts: true },
  ]);
  assert.equal(lookupBackends(installedWebhook, labels('shop', false), 'pods')[0]!.intercepts, false);
  assert.equal(lookupBackends(installedWebhook, labels('kube-system', true), 'pods')[0]!.intercepts, false);
  assert.equal(lookupBackends(installedWebhook, labels('istream-system', true), 'pods')[0]!.intercepts, false);
  assert.deepEqual(lookupBackends(installedPolicy, labels('shop', true), 'pods'), [
    { kind: 'MutatingAdmissionPolicy', name: 'istream-image-lookup-spec', intercepts: true },
  ]);
  assert.deepEqual(
    lookupBackends(installedPolicy, labels('shop', true), 'deployments').map((b) => b.name),
    ['istream-image-lookup-spec-template-spec'],
    'only the policy for the pod spec location of the kind',
  );
});

test('why says when no lookup backend is installed, and that kube-system is never intercepted', () => {
  const facts = { kind: podKind, object: pod('myapp:latest'), streams: [] };
  const none = explainLookup({ ...facts, namespace: 'shop', backends: [], namespaceLabels: labels('shop', true) });
  assert.match(
    none,
    /^image lookup: not installed: no istream image lookup webhook or policy on this cluster \(kubectl istream install/,
  );
  assert.match(none, /container app: myapp:latest\n {2}lookup: {8}not applied: no ImageStream myapp in namespace shop/);
  const system = explainLookup({
    ...facts,
    namespace: 'kube-system',
    backends: lookupBackends(installedWebhook, labels('kube-system', true), 'pods'),
    namespaceLabels: labels('kube-system', true),
  });
  assert.match(system, /^image lookup: namespace kube-system is never intercepted by image lookup\n/);
});
