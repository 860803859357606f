// -n, --context, --kubeconfig and -v are accepted before or after the subcommand, as kubectl and oc
// accept them, and reach the command either way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratchDir } from '@istream/test-harness';
import { cli, unreachableKubeconfig } from './support.js';

const scratch = scratchDir();

const kubeconfig = unreachableKubeconfig();

test('--kubeconfig and --context before the command pick the cluster the command connects to', async () => {
  for (const args of [
    ['--kubeconfig', kubeconfig, '--context', 'two', 'get', 'is'],
    ['--context=two', 'get', 'is', `--kubeconfig=${kubeconfig}`],
    ['get', 'is', '--kubeconfig', kubeconfig, '--context', 'two'],
  ]) {
    const { code, out, err } = await cli(args);
    assert.equal(code, 1, args.join(' '));
    assert.equal(out, '');
    assert.equal(err, 'error: cannot reach the Kubernetes API at https://127.0.0.1:2: ECONNREFUSED\n', args.join(' '));
  }
});

test('a context that does not exist is named, wherever --context was given', async () => {
  for (const args of [
    ['--context', 'three', '--kubeconfig', kubeconfig, 'describe', 'is', 'ubi'],
    ['describe', 'is', 'ubi', '--context', 'three', '--kubeconfig', kubeconfig],
  ]) {
    const { code, err } = await cli(args);
    assert.equal(code, 1);
    assert.equal(err, 'error: context "three" does not exist in the kubeconfig (contexts: one, two)\n', args.join(' '));
  }
});

test("-n before the command reaches it, in each of kubectl's spellings", async () => {
  const file = join(mkdtempSync(join(scratch, 'istream-flags-')), 'deploy.yaml');
  writeFileSync(file, 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: other\n');
  const refusal =
    'error: the namespace from the provided object "other" does not match the namespace "team". ' +
    "You must pass '--namespace=other' to perform this operation.\n";
  for (const flags of [['-n', 'team'], ['-n=team'], ['-nteam'], ['--namespace', 'team'], ['--namespace=team']]) {
    for (const args of [
      [...flags, 'set-triggers', '--local', '-f', file],
      ['set-triggers', '--local', '-f', file, ...flags],
    ]) {
      const { code, err } = await cli([...args, '--kubeconfig', kubeconfig]);
      assert.equal(code, 1, args.join(' '));
      assert.equal(err, refusal, args.join(' '));
    }
  }
});

test("without -n the context's namespace is used (the flag is not given a default that hides it)", async () => {
  const file = join(mkdtempSync(join(scratch, 'istream-flags-')), 'deploy.yaml');
  writeFileSync(
    file,
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n' +
      '      - name: web\n        image: web\n',
  );
  const { code, out, err } = await cli([
    '--kubeconfig',
    kubeconfig,
    'set-triggers',
    '--local',
    '-f',
    file,
    '--from-image',
    'ns-one/web:1',
    '-o',
    'yaml',
  ]);
  assert.equal(code, 0, err);
  // The stream's namespace is the object's (the context's), so oc writes no namespace in the trigger.
  assert.match(out, /"from":\{"kind":"ImageStreamTag","name":"web:1"\}/);
});

test('-v=6 is accepted before and after the command', async () => {
  for (const args of [
    ['-v=6', 'lint', '-'],
    ['lint', '-', '-v=6'],
    ['--v=6', 'lint', '-'],
    ['lint', '-', '--v', '6'],
  ]) {
    const { code, err } = await cli(args, { stdin: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n' });
    assert.equal(code, 0, `${args.join(' ')}: ${err}`);
  }
});
