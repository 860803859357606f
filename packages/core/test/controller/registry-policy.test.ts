import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllowedRegistries, RegistryPolicy } from '../../src/controller/index.js';

const names: Record<string, string[]> = {
  'quay.io': ['3.225.10.10'],
  'sneaky.example': ['169.254.169.254'],
  'inside.example': ['10.96.0.20'],
};
const resolve = async (host: string): Promise<string[]> => {
  const found = names[host];
  if (found === undefined) throw new Error(`ENOTFOUND ${host}`);
  return found;
};

test('by default any registry is allowed except loopback, link-local, Service addresses and cluster names, literal or resolved', async () => {
  const policy = new RegistryPolicy({ serviceCidrs: ['10.96.0.0/12'], resolve });
  assert.equal(await policy.refusal('quay.io', false), undefined);
  assert.equal(
    await policy.refusal('unknown.example', false),
    undefined,
    'an unknown host is left to the import, which says so',
  );
  assert.match(
    (await policy.refusal('127.0.0.1:5000', true)) ?? '',
    /^registry "127\.0\.0\.1:5000" is an internal address \(127\.0\.0\.1\): .*--allowed-registries-file/,
  );
  assert.match((await policy.refusal('[::1]:5000', false)) ?? '', /internal address \(::1\)/);
  assert.match((await policy.refusal('sneaky.example', false)) ?? '', /internal address \(169\.254\.169\.254\)/);
  assert.match((await policy.refusal('inside.example', false)) ?? '', /internal address \(10\.96\.0\.20\)/);
  assert.match((await policy.refusal('registry.kube-system.svc:5000', false)) ?? '', /cluster-internal or local name/);
  assert.match((await policy.refusal('localhost:5000', false)) ?? '', /cluster-internal or local name/);
});

test('an allow-list admits only its registries; insecure imports only where the entry says insecure: true', async () => {
  const policy = new RegistryPolicy({
    allowed: [
      { domainName: 'quay.io' },
      { domainName: '*.corp.example' },
      { domainName: '127.0.0.1:*', insecure: true },
    ],
    resolve: async (host) => (host === 'evil.corp.example' ? ['127.0.0.1'] : ['3.3.3.3']),
  });
  assert.equal(await policy.refusal('quay.io', false), undefined);
  assert.equal(await policy.refusal('quay.io:443', false), undefined);
  assert.match(
    (await policy.refusal('quay.io:5000', false)) ?? '',
    /is not allowed for import: the controller imports only from "quay.io", "\*\.corp\.example", "127\.0\.0\.1:\*"/,
  );
  assert.match((await policy.refusal('quay.io', true)) ?? '', /allowed for secure imports only/);
  assert.equal(await policy.refusal('a.corp.example', false), undefined);
  assert.match(
    (await policy.refusal('evil.corp.example', false)) ?? '',
    /internal address/,
    'a wildcard entry does not open internal addresses',
  );
  assert.equal(
    await policy.refusal('127.0.0.1:40221', true),
    undefined,
    'a registry named outright is trusted wherever it lives',
  );
  assert.match((await policy.refusal('docker.io', false)) ?? '', /not allowed for import/);
});

test("the allow-list file takes OpenShift's shapes and names what is wrong", () => {
  const config =
    'apiVersion: config.openshift.io/v1\nkind: Image\nmetadata: {name: cluster}\nspec:\n  allowedRegistriesForImport:\n  - domainName: quay.io\n    insecure: false\n  - domainName: reg.local:5000\n    insecure: true\n';
  assert.deepEqual(parseAllowedRegistries(config), [
    { domainName: 'quay.io' },
    { domainName: 'reg.local:5000', insecure: true },
  ]);
  assert.deepEqual(parseAllowedRegistries('[{"domainName": "quay.io"}]'), [{ domainName: 'quay.io' }]);
  assert.deepEqual(parseAllowedRegistries('allowedRegistriesForImport: []'), []);
  assert.throws(
    () => parseAllowedRegistries('domainName: quay.io'),
    /expected a list of \{domainName, insecure\} entries/,
  );
  assert.throws(() => parseAllowedRegistries('- insecure: true'), /entry 1: domainName must be a non-empty string/);
  assert.throws(
    () => parseAllowedRegistries('- {domainName: quay.io, insecure: "yes"}'),
    /entry 1 \(quay.io\): insecure must be true or false/,
  );
});
