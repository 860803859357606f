import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readSettings } from '../src/settings.js';

const reader = (values: Record<string, unknown>) => ({ get: <T>(key: string) => values[key] as T | undefined });

test('settings read as written', () => {
  assert.deepEqual(
    readSettings(
      reader({
        'cluster.enabled': false,
        'cluster.context': ' kind-dev ',
        'registry.insecureHosts': ['127.0.0.1:5000', ' registry.local '],
        'hover.cacheTtlSeconds': 5,
      }),
    ),
    {
      clusterEnabled: false,
      clusterContext: 'kind-dev',
      insecureRegistryHosts: ['127.0.0.1:5000', 'registry.local'],
      hoverCacheTtlSeconds: 5,
    },
  );
});

test('missing or mistyped settings fall back to the defaults', () => {
  const defaults = {
    clusterEnabled: true,
    clusterContext: undefined,
    insecureRegistryHosts: [],
    hoverCacheTtlSeconds: 60,
  };
  assert.deepEqual(readSettings(reader({})), defaults);
  assert.deepEqual(
    readSettings(
      reader({
        'cluster.enabled': 'false',
        'cluster.context': '   ',
        'registry.insecureHosts': '127.0.0.1:5000',
        'hover.cacheTtlSeconds': -1,
      }),
    ),
    defaults,
  );
  assert.deepEqual(readSettings(reader({ 'registry.insecureHosts': ['ok:1', 5, '', null] })).insecureRegistryHosts, [
    'ok:1',
  ]);
});
