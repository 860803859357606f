import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

// The workload kinds (their names, resources and pod template paths) are spelled out once, in
// core/workloads; everything else reads that table. A second spelling is how a kind added in one
// place ends up missing from the controller, the CLI or the editor.
const root = fileURLToPath(new URL('../../../../../', import.meta.url));
const TABLE = 'packages/core/src/workloads/';
const SPELLINGS = [
  /\b(StatefulSet|DaemonSet|CronJob|ReplicaSet|ReplicationController)\b/,
  /\b(deployments|statefulsets|daemonsets|cronjobs|replicasets|replicationcontrollers)\b/,
  /jobTemplate/,
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|mts|cts)$/.test(name) ? [path] : [];
  });
}

test('workload kinds are spelled out only in the core/workloads table', () => {
  const packages = join(root, 'packages');
  const files = readdirSync(packages).flatMap((p) => {
    const src = join(packages, p, 'src');
    try {
      return statSync(src).isDirectory() ? sourceFiles(src) : [];
    } catch {
      return [];
    }
  });
  const found: string[] = [];
  for (const file of files) {
    const name = relative(root, file);
    if (name.startsWith(TABLE)) continue;
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (SPELLINGS.some((s) => s.test(line))) found.push(`${name}:${i + 1}: ${line.trim()}`);
      });
  }
  assert.deepEqual(
    found,
    [],
    `workload kinds spelled outside ${TABLE}; read them from @istream/core/workloads:\n${found.join('\n')}`,
  );
  assert.ok(
    files.some((f) => relative(root, f).startsWith(TABLE)),
    `the table is not in ${TABLE}`,
  );
});
