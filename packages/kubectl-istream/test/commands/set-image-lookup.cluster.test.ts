// set image-lookup against the real apiserver, byte for byte with what oc prints. The expected
// bytes follow from oc's pkg/cli/set/imagelookup.go: the table is its tabwriter (minwidth 0,
// tabwidth 2, padding 2, spaces) with NAME and LOCAL, workloads named RESOURCE/NAME; success
// lines are kubectl's name printer with the operation "image lookup updated" and the dry-run
// suffixes of kubectl's PrintFlagsWithDryRunStrategy; an object without a pod template is
// refused with "<resource>/<name> the resource <resource>/<name> does not support altering image lookup".
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterInstance } from '@istream/test-harness/cluster/index';
import { clusterWithCrd } from '../controller/support.js';
import { deployment } from '../controller/support.js';
import { bufferIO } from '../../src/io.js';
import { runCli } from '../../src/program.js';

describe('set image-lookup on a cluster', () => {
  let cluster: ClusterInstance;
  let namespace: string;

  const cli = async (...args: string[]) => {
    const io = bufferIO();
    const code = await runCli(['set', 'image-lookup', ...args, '--kubeconfig', cluster.kubeconfig, '-n', namespace], {
      io,
      env: {},
    });
    return { code, out: io.stdout(), err: io.stderr() };
  };
  const get = async (resource: string, jsonpath: string): Promise<string> => {
    const r = await cluster.kubectl(['get', resource, '-o', `jsonpath=${jsonpath}`], { namespace });
    assert.equal(r.code, 0, r.stderr);
    return r.stdout;
  };
  const local = (stream: string) => get(`imagestream/${stream}`, '{.spec.lookupPolicy.local}');
  const resolveNames = () =>
    get(
      'deployment/mysql',
      "{.spec.template.metadata.annotations['alpha\\.image\\.policy\\.openshift\\.io/resolve-names']}",
    );

  before(async () => {
    cluster = await clusterWithCrd();
    namespace = await cluster.createNamespace('image-lookup');
    const streams = [
      ['mysql', false],
      ['redis', true],
    ].map(([name, lookup]) => ({
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStream',
      metadata: { name },
      spec: {
        lookupPolicy: { local: lookup },
        tags: [{ name: 'latest', from: { kind: 'DockerImage', name: `registry.example/${String(name)}:latest` } }],
      },
    }));
    const objects = [
      ...streams,
      deployment('mysql', [{ name: 'db', image: 'mysql:latest' }]),
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'plain' }, data: {} },
    ];
    const r = await cluster.kubectl(['create', '-f', '-'], {
      namespace,
      input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }),
    });
    assert.equal(r.code, 0, r.stderr);
  });

  test('without arguments: every stream and whether it resolves local names', async () => {
    assert.deepEqual(await cli(), { code: 0, out: 'NAME   LOCAL\nmysql  false\nredis  true\n', err: '' });
  });

  test('a stream name turns lookup on; again changes nothing and prints nothing; --enabled=false turns it off', async () => {
    assert.deepEqual(await cli('mysql'), {
      code: 0,
      out: 'imagestream.image.openshift.io/mysql image lookup updated\n',
      err: '',
    });
    assert.equal(await local('mysql'), 'true');
    assert.deepEqual(await cli('mysql'), { code: 0, out: '', err: '' });
    assert.deepEqual(await cli('mysql', '--enabled=false', '--dry-run=client'), {
      code: 0,
      out: 'imagestream.image.openshift.io/mysql image lookup updated (dry run)\n',
      err: '',
    });
    assert.deepEqual(await cli('mysql', '--enabled=false', '--dry-run=server'), {
      code: 0,
      out: 'imagestream.image.openshift.io/mysql image lookup updated (server dry run)\n',
      err: '',
    });
    assert.equal(await local('mysql'), 'true', 'dry runs store nothing');
    assert.deepEqual(await cli('mysql', '--enabled=false'), {
      code: 0,
      out: 'imagestream.image.openshift.io/mysql image lookup updated\n',
      err: '',
    });
    assert.equal(await local('mysql'), 'false');
  });

  test('deployment/NAME puts resolve-names on the pod template; --list shows it; --enabled=false removes it', async () => {
    assert.deepEqual(await cli('deploy/mysql'), {
      code: 0,
      out: 'deployment.apps/mysql image lookup updated\n',
      err: '',
    });
    assert.equal(await resolveNames(), '*');
    assert.deepEqual(await cli('deploy/mysql', '--list'), {
      code: 0,
      out: 'NAME               LOCAL\ndeployments/mysql  true\n',
      err: '',
    });
    assert.deepEqual(await cli('deployment/mysql', '--enabled=false'), {
      code: 0,
      out: 'deployment.apps/mysql image lookup updated\n',
      err: '',
    });
    assert.equal(await resolveNames(), '');
    assert.deepEqual(await cli('deployments', '--list'), {
      code: 0,
      out: 'NAME               LOCAL\ndeployments/mysql  false\n',
      err: '',
    });
  });

  test('errors: an object without a pod template, a missing stream (and nothing else is written), a bad --enabled', async () => {
    assert.deepEqual(await cli('configmap/plain'), {
      code: 1,
      out: '',
      err: 'error: configmaps/plain the resource configmaps/plain does not support altering image lookup\n',
    });
    assert.deepEqual(await cli('redis', 'nosuch', '--enabled=false'), {
      code: 1,
      out: '',
      err: 'error: imagestreams.image.openshift.io "nosuch" not found\n',
    });
    assert.equal(await local('redis'), 'true', 'redis was read but not written');
    const bad = await cli('redis', '--enabled=maybe');
    assert.equal(bad.code, 1);
    assert.match(
      bad.err,
      /^error: invalid argument "maybe" for "--enabled" flag: strconv.ParseBool: parsing "maybe": invalid syntax\n/,
    );
  });

  test('-o name|json|yaml print the objects changed; with -o and no names every stream is set, as oc does', async () => {
    assert.deepEqual(
      await cli('-o', 'name', '--dry-run=client'),
      { code: 0, out: 'imagestream.image.openshift.io/mysql\n', err: '' },
      'redis already resolves local names',
    );
    const json = await cli('redis', '--enabled=false', '-o', 'json', '--dry-run=server');
    assert.equal(json.code, 0, json.err);
    const printed = JSON.parse(json.out) as {
      kind: string;
      metadata: { name: string };
      spec: { lookupPolicy: { local: boolean } };
    };
    assert.deepEqual(
      [printed.kind, printed.metadata.name, printed.spec.lookupPolicy.local],
      ['ImageStream', 'redis', false],
    );
    const yaml = await cli('deploy/mysql', '-o', 'yaml', '--dry-run=client');
    assert.equal(yaml.code, 0, yaml.err);
    assert.match(yaml.out, /^apiVersion: apps\/v1\n[\s\S]*alpha\.image\.policy\.openshift\.io\/resolve-names: "\*"/);
    assert.deepEqual(
      [await local('mysql'), await local('redis'), await resolveNames()],
      ['false', 'true', ''],
      'dry runs store nothing',
    );
  });
});
