// The CLI's modules form no import circle: commands depend on the factory and never on the
// program that lists them. Every import counts, type-only and dynamic ones too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const srcDir = fileURLToPath(new URL('../../../src', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

const IMPORT = /(?:^|[\s;])(?:import|export)\s[^;]*?from\s+'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/g;

/** Each file's relative imports, as the .ts files they name. */
function importGraph(files: string[]): Map<string, string[]> {
  return new Map(
    files.map((file) => {
      const targets = [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((m) =>
        resolve(dirname(file), (m[1] ?? m[2] ?? '').replace(/\.js$/, '.ts')),
      );
      return [file, targets];
    }),
  );
}

/** The first cycle found by depth-first search, as the files along it, or undefined. */
export function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'open') return [...path.slice(path.indexOf(node)), node];
    state.set(node, 'open');
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

test('the cycle finder finds a circle through three files and none in a chain', () => {
  assert.deepEqual(
    findCycle(
      new Map([
        ['a', ['b']],
        ['b', ['c']],
        ['c', ['a']],
      ]),
    ),
    ['a', 'b', 'c', 'a'],
  );
  assert.equal(
    findCycle(
      new Map([
        ['a', ['b']],
        ['b', ['c']],
        ['c', []],
      ]),
    ),
    undefined,
  );
});

test('no import circle among the kubectl-istream sources', () => {
  const files = sourceFiles(srcDir);
  const graph = importGraph(files);
  // The parser sees the imports: program.ts reaches the command definitions, and they their commands.
  assert.ok(graph.get(join(srcDir, 'program.ts'))?.includes(join(srcDir, 'definitions', 'index.ts')));
  assert.ok(graph.get(join(srcDir, 'definitions', 'get.ts'))?.includes(join(srcDir, 'commands', 'get.ts')));
  const cycle = findCycle(graph);
  assert.equal(cycle, undefined, `import circle: ${cycle?.map((f) => relative(srcDir, f)).join(' -> ')}`);
});
