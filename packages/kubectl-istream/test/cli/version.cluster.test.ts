// `version` against the sandbox: the controller's version as `install` labelled its Deployment.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedCluster, type ClusterInstance } from '@istream/test-harness/cluster/index';
import { cli, clientVersionLines, expectedBuild } from './support.js';

let cluster: ClusterInstance;
const onCluster = (...args: string[]) => cli([...args, '--kubeconfig', cluster.kubeconfig]);
const removeController = async () => {
  const deleted = await cluster.kubectl([
    'delete',
    'deployment',
    'istream-controller',
    '-n',
    'istream-system',
    '--ignore-not-found',
  ]);
  assert.equal(deleted.code, 0, deleted.stderr);
};

before(async () => {
  cluster = await sharedCluster();
});
after(removeController);

test('no controller Deployment: "not installed"; after install --image: the version it was installed with', async () => {
  await removeController();
  const absent = await onCluster('version');
  assert.equal(absent.code, 0, absent.err);
  assert.equal(absent.out, `${clientVersionLines}Controller Version: not installed\n`);
  assert.equal(JSON.parse((await onCluster('version', '-o', 'json')).out).controllerVersion, null);

  // No admission objects: a cluster-wide webhook for the opt-in label, left behind on the shared
  // cluster, would show up in every other test's opted-in namespaces.
  const installed = await onCluster('install', '--image', 'registry.example/istream:version-test', '--admission=none');
  assert.equal(installed.code, 0, installed.err);
  const present = await onCluster('version');
  assert.equal(present.code, 0, present.err);
  assert.equal(present.out, `${clientVersionLines}Controller Version: ${expectedBuild.version}\n`);
  assert.deepEqual(JSON.parse((await onCluster('version', '-o', 'json')).out).controllerVersion, {
    version: expectedBuild.version,
    deployment: 'istream-system/istream-controller',
  });
});
