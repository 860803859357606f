// set-triggers against the real apiserver of the test harness: what is stored, byte for byte.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratchDir } from '@istream/test-harness';
import type { ClusterInstance } from '@istream/test-harness/cluster/index';
import { clusterWithCrd } from '../controller/support.js';
import { bufferIO } from '../../src/io.js';
import { runCli } from '../../src/program.js';

const scratch = scratchDir();

const ANNOTATION = 'image.openshift.io/triggers';
const path = (kind: string, name: string) =>
  `${kind === 'CronJob' ? 'spec.jobTemplate.spec.template.spec' : 'spec.template.spec'}.containers[?(@.name==\\"${name}\\")].image`;
const entry = (istag: string, fieldPath: string, extra = '') =>
  `{"from":{"kind":"ImageStreamTag","name":"${istag}"${extra}},"fieldPath":"${fieldPath}"}`;

function workload(kind: string, name: string, containers: string[], labels: Record<string, string> = {}) {
  const podSpec = { containers: containers.map((c) => ({ name: c, image: `registry.example/${c}:1` })) };
  const template = { metadata: { labels: { app: name } }, spec: podSpec };
  const spec =
    kind === 'CronJob'
      ? {
          schedule: '@daily',
          jobTemplate: { spec: { template: { spec: { ...podSpec, restartPolicy: 'OnFailure' } } } },
        }
      : {
          selector: { matchLabels: { app: name } },
          template,
          ...(kind === 'StatefulSet' ? { serviceName: name } : {}),
        };
  return { apiVersion: kind === 'CronJob' ? 'batch/v1' : 'apps/v1', kind, metadata: { name, labels }, spec };
}

describe('set-triggers on a cluster', () => {
  let cluster: ClusterInstance;
  let namespace: string;

  const cli = async (...args: string[]) => {
    const io = bufferIO();
    const code = await runCli(['set-triggers', ...args, '--kubeconfig', cluster.kubeconfig, '-n', namespace], {
      io,
      env: {},
    });
    return { code, out: io.stdout(), err: io.stderr() };
  };
  const stored = async (resource: string): Promise<{ annotation: string | undefined; paused: unknown }> => {
    const r = await cluster.kubectl(['get', resource, '-o', 'json'], { namespace });
    assert.equal(r.code, 0, r.stderr);
    const o = JSON.parse(r.stdout) as {
      metadata: { annotations?: Record<string, string> };
      spec: { paused?: unknown };
    };
    return { annotation: o.metadata.annotations?.[ANNOTATION], paused: o.spec.paused };
  };

  before(async () => {
    cluster = await clusterWithCrd();
    namespace = await cluster.createNamespace('set-triggers');
    // The streams the triggers below follow; one that is missing is warned about (tested last).
    const streams = Object.entries({ ubi: ['8', '9'], pg: ['16', '17'], jobs: ['2'], other: ['1'] }).map(
      ([name, tags]) => ({
        apiVersion: 'image.openshift.io/v1',
        kind: 'ImageStream',
        metadata: { name },
        spec: {
          tags: tags.map((tag) => ({
            name: tag,
            from: { kind: 'DockerImage', name: `registry.example/${name}:${tag}` },
          })),
        },
      }),
    );
    const created = await cluster.kubectl(['create', '-f', '-'], {
      namespace,
      input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: streams }),
    });
    assert.equal(created.code, 0, created.stderr);
    const objects = [
      workload('Deployment', 'myapp', ['myapp', 'sidecar']),
      workload('StatefulSet', 'db', ['db'], { tier: 'data' }),
      workload('DaemonSet', 'agent', ['agent'], { tier: 'data' }),
      workload('CronJob', 'nightly', ['job']),
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'plain' }, data: {} },
    ];
    const r = await cluster.kubectl(['apply', '-f', '-'], {
      namespace,
      input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }),
    });
    assert.equal(r.code, 0, r.stderr);
  });

  test("the seed walkthrough: add, list, replace a container's stream, remove", async () => {
    assert.deepEqual(await cli('deployment/myapp', '--from-image', 'ubi:8', '-c', 'myapp'), {
      code: 0,
      out: 'deployment.apps/myapp triggers updated\n',
      err: '',
    });
    assert.equal((await stored('deployment/myapp')).annotation, `[${entry('ubi:8', path('Deployment', 'myapp'))}]`);

    assert.equal(
      (await cli('deploy', 'myapp')).out,
      [
        'NAME               TYPE    VALUE          AUTO',
        'deployments/myapp  config                 true',
        'deployments/myapp  image   ubi:8 (myapp)  true',
        '',
      ].join('\n'),
    );

    assert.equal((await cli('deployments/myapp', '--from-image', `${namespace}/ubi:9`, '-c', 'myapp')).code, 0);
    assert.equal(
      (await stored('deployment/myapp')).annotation,
      `[${entry('ubi:9', path('Deployment', 'myapp'))}]`,
      'replaced, own namespace left out',
    );

    assert.equal((await cli('deployment/myapp', '--from-image', 'shared/base:1', '-c', 'sidecar', '--manual')).code, 0);
    assert.equal(
      (await stored('deployment/myapp')).annotation,
      `[${entry('ubi:9', path('Deployment', 'myapp'))},{"from":{"kind":"ImageStreamTag","name":"base:1","namespace":"shared"},"fieldPath":"${path('Deployment', 'sidecar')}","paused":true}]`,
    );

    assert.equal((await cli('deployment/myapp', '--remove', '--from-image', 'ubi:9')).code, 0);
    assert.equal(
      (await stored('deployment/myapp')).annotation,
      `[{"from":{"kind":"ImageStreamTag","name":"base:1","namespace":"shared"},"fieldPath":"${path('Deployment', 'sidecar')}","paused":true}]`,
    );
  });

  test("StatefulSet, DaemonSet (by label) and CronJob get their kind's fieldPath", async () => {
    const byLabel = await cli('statefulsets,daemonsets', '-l', 'tier=data', '--from-image', 'pg:16');
    assert.deepEqual(byLabel, {
      code: 0,
      out: 'statefulset.apps/db triggers updated\ndaemonset.apps/agent triggers updated\n',
      err: '',
    });
    assert.equal((await stored('statefulset/db')).annotation, `[${entry('pg:16', path('StatefulSet', 'db'))}]`);
    assert.equal((await stored('daemonset/agent')).annotation, `[${entry('pg:16', path('DaemonSet', 'agent'))}]`);
    assert.equal(
      (await cli('cronjob', 'nightly', '--from-image', 'jobs:2', '-c', 'job')).out,
      'cronjob.batch/nightly triggers updated\n',
    );
    assert.equal((await stored('cronjob/nightly')).annotation, `[${entry('jobs:2', path('CronJob', 'job'))}]`);
  });

  test('--manual pauses the Deployment and --auto resumes it; --dry-run=server changes nothing; -o json shows the result', async () => {
    await cli('deployment/myapp', '--from-image', 'ubi:8', '-c', 'myapp');
    assert.equal((await cli('deployment/myapp', '--manual')).code, 0);
    assert.equal((await stored('deployment/myapp')).paused, true);
    assert.equal((await cli('deployment/myapp', '--auto')).code, 0);
    const resumed = await stored('deployment/myapp');
    assert.equal(resumed.paused, undefined, "a merge patch with null removes spec.paused, as oc's patch does");
    assert.doesNotMatch(resumed.annotation ?? '', /paused/);

    const dry = await cli('deployment/myapp', '--from-image', 'other:1', '-c', 'myapp', '--dry-run=server');
    assert.deepEqual(dry, { code: 0, out: 'deployment.apps/myapp triggers updated (server dry run)\n', err: '' });
    const afterDryRun = await stored('deployment/myapp');
    assert.deepEqual([afterDryRun.annotation, afterDryRun.paused], [resumed.annotation, resumed.paused]);

    const json = await cli('deployment/myapp', '--from-image', 'other:1', '-c', 'myapp', '-o', 'json');
    const printed = JSON.parse(json.out) as {
      kind: string;
      metadata: { name: string; annotations: Record<string, string> };
    };
    const after = await stored('deployment/myapp');
    assert.deepEqual([printed.kind, printed.metadata.name], ['Deployment', 'myapp']);
    assert.equal(printed.metadata.annotations[ANNOTATION], after.annotation);
    assert.match(after.annotation ?? '', /"name":"other:1"/);
  });

  test('-f FILE edits the live object it names; --all lists every object of the types', async () => {
    const file = join(mkdtempSync(join(scratch, 'set-triggers-')), 'sts.yaml');
    writeFileSync(file, JSON.stringify(workload('StatefulSet', 'db', ['db'])));
    assert.deepEqual(await cli('-f', file, '--from-image', 'pg:17', '-c', 'db'), {
      code: 0,
      out: 'statefulset.apps/db triggers updated\n',
      err: '',
    });
    assert.equal((await stored('statefulset/db')).annotation, `[${entry('pg:17', path('StatefulSet', 'db'))}]`);
    const list = await cli('statefulsets,cronjobs', '--all');
    assert.equal(
      list.out,
      [
        'NAME              TYPE    VALUE         AUTO',
        'statefulsets/db   config                true',
        'statefulsets/db   image   pg:17 (db)    true',
        'cronjobs/nightly  config                true',
        'cronjobs/nightly  image   jobs:2 (job)  true',
        '',
      ].join('\n'),
    );
  });

  test('refusals leave the objects untouched', async () => {
    const before = await stored('deployment/myapp');
    assert.deepEqual(await cli('deployment/myapp', '--from-image', 'ubi:8', '-c', 'web'), {
      code: 1,
      out: '',
      err: 'error: deployments/myapp not all container names exist: web (accepts: myapp, sidecar)\n',
    });
    assert.deepEqual(await cli('configmap/plain', '--from-image', 'ubi:8'), {
      code: 1,
      out: '',
      err: 'error: configmaps/plain does not support triggers\n',
    });
    assert.deepEqual(await cli('deployment/nope', '--from-image', 'ubi:8', '-c', 'x'), {
      code: 1,
      out: '',
      err: 'error: deployments.apps "nope" not found\n',
    });
    assert.deepEqual(await cli('deployment/myapp', '--from-image', 'quay.io/ubi:8', '-c', 'myapp'), {
      code: 1,
      out: '',
      err: 'error: the value of --from-image must point to an image stream tag on this server\n',
    });
    assert.deepEqual(await stored('deployment/myapp'), before);
  });

  /** A workload of `containers` with no replicas, once its controller has written its status. */
  const settled = async (kind: 'Deployment' | 'StatefulSet', name: string, containers: string[]) => {
    const object = workload(kind, name, containers);
    const r = await cluster.kubectl(['apply', '-f', '-'], {
      namespace,
      input: JSON.stringify({ ...object, spec: { ...object.spec, replicas: 0 } }),
    });
    assert.equal(r.code, 0, r.stderr);
    // Until then the controller writes status, and a printed resourceVersion goes stale.
    const wait = await cluster.kubectl(
      ['wait', `${kind.toLowerCase()}/${name}`, '--for=jsonpath={.status.observedGeneration}=1', '--timeout=60s'],
      { namespace },
    );
    assert.equal(wait.code, 0, wait.stderr);
  };
  const apply = async (manifest: string) => {
    const r = await cluster.kubectl(['apply', '-f', '-'], { namespace, input: manifest });
    assert.equal(r.code, 0, r.stderr);
    return r.stdout;
  };
  const timestamp = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

  test('set-triggers -o yaml | kubectl apply -f - round-trips: RFC 3339 timestamps, no managedFields, the object printed even when unchanged', async () => {
    // A StatefulSet: an annotation change leaves its generation, so no controller writes after ours.
    await settled('StatefulSet', 'roundtrip', ['app']);
    const yaml = await cli('sts/roundtrip', '--from-image', 'pg:16', '-c', 'app', '-o', 'yaml');
    assert.equal(yaml.code, 0, yaml.err);
    assert.match(yaml.out, /^ {2}creationTimestamp: "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"$/m);
    assert.doesNotMatch(yaml.out, /managedFields/);
    assert.equal(await apply(yaml.out), 'statefulset.apps/roundtrip configured\n');
    assert.equal((await stored('statefulset/roundtrip')).annotation, `[${entry('pg:16', path('StatefulSet', 'app'))}]`);

    const unchanged = await cli('sts/roundtrip', '--from-image', 'pg:16', '-c', 'app', '-o', 'json');
    assert.equal(
      (JSON.parse(unchanged.out) as { metadata: { name: string } }).metadata.name,
      'roundtrip',
      'nothing to change: the object is printed all the same',
    );
    await apply(unchanged.out);

    const shown = await cli(
      'sts/roundtrip',
      '--from-image',
      'pg:17',
      '-c',
      'app',
      '-o',
      'json',
      '--show-managed-fields',
    );
    const fields =
      (JSON.parse(shown.out) as { metadata: { managedFields?: { time: unknown }[] } }).metadata.managedFields ?? [];
    assert.ok(fields.length > 0);
    for (const f of fields) assert.match(String(f.time), timestamp);
  });

  test('set-triggers deploy/x -o yaml | kubectl apply -f - round-trips although the Deployment controller writes status in between', async () => {
    await settled('Deployment', 'live', ['app']);
    const yaml = await cli('deploy/live', '--from-image', 'ubi:8', '-c', 'app', '-o', 'yaml');
    assert.equal(yaml.code, 0, yaml.err);
    assert.doesNotMatch(yaml.out, /resourceVersion/);
    // Let the deployment controller record the new generation first, as it would before a person pipes the output on.
    await cluster.kubectl(['rollout', 'status', 'deployment/live', '--timeout=30s'], { namespace });
    assert.equal(await apply(yaml.out), 'deployment.apps/live configured\n');
    assert.equal((await stored('deployment/live')).annotation, `[${entry('ubi:8', path('Deployment', 'app'))}]`);
  });

  test('set-triggers deploy/x --dry-run=client -o yaml | kubectl apply -f - writes the trigger', async () => {
    await settled('Deployment', 'dryrun', ['app']);
    const yaml = await cli('deploy/dryrun', '--from-image', 'ubi:8', '-c', 'app', '--dry-run=client', '-o', 'yaml');
    assert.equal(yaml.code, 0, yaml.err);
    assert.equal((await stored('deployment/dryrun')).annotation, undefined, 'a client dry run writes nothing');
    assert.equal(await apply(yaml.out), 'deployment.apps/dryrun configured\n');
    assert.equal((await stored('deployment/dryrun')).annotation, `[${entry('ubi:8', path('Deployment', 'app'))}]`);
  });

  test("--remove with -c warns that -c is ignored (oc removes the stream's triggers for every container)", async () => {
    await settled('Deployment', 'twins', ['a', 'b']);
    assert.equal((await cli('deployment/twins', '--from-image', 'tools:1', '-c', 'a,b')).code, 0);
    const removed = await cli('deployment/twins', '--remove', '--from-image', 'tools:1', '-c', 'b');
    assert.deepEqual([removed.code, removed.out], [0, 'deployment.apps/twins triggers updated\n']);
    assert.equal(
      removed.err,
      'warning: --containers is ignored with --remove, as by oc set triggers: every trigger from tools:1 is removed, ' +
        'whichever container it updates; to stop updating one container only, pause its trigger with --from-image STREAM:TAG -c NAME --manual\n',
    );
    assert.doesNotMatch((await stored('deployment/twins')).annotation ?? '', /tools:1/);
  });

  test('a trigger on a stream or tag that does not exist is written, with a warning that says how to import it', async () => {
    await settled('Deployment', 'early', ['app']);
    const missing = await cli('deployment/early', '--from-image', 'doesnotexist:1', '-c', 'app');
    assert.deepEqual([missing.code, missing.out], [0, 'deployment.apps/early triggers updated\n']);
    assert.equal(
      missing.err,
      `Warning: imagestream "doesnotexist" not found in namespace ${namespace}; the trigger will fire once it is imported ` +
        `(kubectl istream import-image doesnotexist:1 --from=REGISTRY/REPOSITORY:1 --confirm -n ${namespace})\n`,
    );
    assert.equal(
      (await stored('deployment/early')).annotation,
      `[${entry('doesnotexist:1', path('Deployment', 'app'))}]`,
    );

    const stream = {
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStream',
      metadata: { name: 'present' },
      spec: { tags: [{ name: '1', from: { kind: 'DockerImage', name: 'registry.example/present:1' } }] },
    };
    assert.equal((await cluster.kubectl(['create', '-f', '-'], { namespace, input: JSON.stringify(stream) })).code, 0);
    assert.deepEqual(await cli('deployment/early', '--from-image', 'present:1', '-c', 'app'), {
      code: 0,
      out: 'deployment.apps/early triggers updated\n',
      err: '',
    });
    const noTag = await cli('deployment/early', '--from-image', 'present:2', '-c', 'app');
    assert.equal(
      noTag.err,
      `Warning: imagestream "present" in namespace ${namespace} has no tag "2"; the trigger will fire once it is imported ` +
        `(kubectl istream import-image present:2 --from=REGISTRY/REPOSITORY:2 --confirm -n ${namespace})\n`,
    );
  });

  test("a ServiceAccount without RBAC gets the apiserver's refusal, not a stack", async () => {
    const kubeconfig = await cluster.serviceAccountKubeconfig(namespace, 'nobody');
    const io = bufferIO();
    const code = await runCli(
      ['set-triggers', 'deployment/myapp', '--from-image', 'ubi:8', '-c', 'myapp', '--kubeconfig', kubeconfig],
      { io, env: {} },
    );
    assert.equal(code, 1);
    assert.match(io.stderr(), /^error: .*forbidden.*\n$/);
  });
});
