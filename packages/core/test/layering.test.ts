// core/cluster is the only code that talks to the Kubernetes API. These checks read the sources
// (packages/*/src; the test harness under test/harness is not shipped and may do as it likes) and
// name the file and line that breaks the rule, so a new API call made elsewhere fails here rather
// than in review.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, from packages/core/dist/test/layering.test.js. */
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const clusterDir = ['packages', 'core', 'src', 'cluster'].join('/');
/** Loading client-node's KubeConfig costs the CLI most of its start-up time: one file does it. */
const kubeconfigLoader = `${clusterDir}/kubeconfig.ts`;
const retryHelper = `${clusterDir}/retry.ts`;

interface SourceLine {
  file: string;
  line: number;
  text: string;
}

let scanned: Array<{ file: string; lines: string[] }> | undefined;

function sources(): Array<{ file: string; lines: string[] }> {
  return (scanned ??= scan());
}

function scan(): Array<{ file: string; lines: string[] }> {
  const packages = join(root, 'packages');
  return readdirSync(packages).flatMap((pkg) => {
    const src = join(packages, pkg, 'src');
    let names: string[];
    try {
      names = readdirSync(src, { recursive: true, encoding: 'utf8' });
    } catch {
      return [];
    }
    return names
      .filter((name) => name.endsWith('.ts'))
      .map((name) => {
        const path = join(src, name);
        return { file: relative(root, path).split(sep).join('/'), lines: readFileSync(path, 'utf8').split('\n') };
      });
  });
}

function matching(pattern: RegExp, keep: (file: string) => boolean = () => true): SourceLine[] {
  return sources()
    .filter((s) => keep(s.file))
    .flatMap((s) =>
      s.lines.map((text, i) => ({ file: s.file, line: i + 1, text })).filter((l) => pattern.test(l.text)),
    );
}

const isComment = (text: string): boolean => /^\s*(\/\/|\/?\*)/.test(text);
const where = (lines: SourceLine[]): string => lines.map((l) => `  ${l.file}:${l.line}: ${l.text.trim()}`).join('\n');
const inCluster = (file: string): boolean => file.startsWith(`${clusterDir}/`);

test('the scan sees the sources it checks', () => {
  const files = sources().map((s) => s.file);
  assert.ok(files.includes(kubeconfigLoader), `${kubeconfigLoader} not among ${files.length} files`);
  assert.ok(
    files.some((f) => f.startsWith('packages/kubectl-istream/src/')),
    'no CLI sources found',
  );
});

test('only core/cluster/kubeconfig.ts imports @kubernetes/client-node', () => {
  const imports = matching(
    /(from\s+|import\s*\(\s*|require\s*\(\s*)['"]@kubernetes\/client-node/,
    (f) => f !== kubeconfigLoader,
  );
  assert.ok(
    imports.length === 0,
    `talk to the API through core/cluster (kubeClient, imageStreamClient), not client-node:\n${where(imports)}`,
  );
});

test('no API path is spelled outside core/cluster', () => {
  const paths = matching(/['"`][^'"`]*(\/api\/v1|\/apis\/|\/openapi\/)/, (f) => !inCluster(f)).filter(
    (l) => !isComment(l.text),
  );
  assert.ok(paths.length === 0, `build paths with core/cluster's resourcePath instead:\n${where(paths)}`);
});

test('one Kubernetes error class', () => {
  const classes = matching(/\bclass\s+KubeApiError\b/);
  assert.deepEqual(
    classes.map((l) => l.file),
    [`${clusterDir}/errors.ts`],
    `one KubeApiError, in core/cluster:\n${where(classes)}`,
  );
});

test('one retry-on-conflict helper', () => {
  const helpers = matching(/\b(function\s+retryOnConflict|retryOnConflict\s*=)/);
  assert.deepEqual(
    helpers.map((l) => l.file),
    [retryHelper],
    `one retryOnConflict, in core/cluster:\n${where(helpers)}`,
  );
});

test('no hand-written 409 retry loops', () => {
  // A loop that retries on a conflict checks the conflict and counts attempts within a few lines.
  const conflictChecks = matching(/isConflict\(|isStatus\([^)]*409|\b409\b/, (f) => f !== retryHelper).filter(
    (l) => !isComment(l.text),
  );
  const loops = conflictChecks.filter((check) => {
    const lines = sources().find((s) => s.file === check.file)?.lines ?? [];
    return lines
      .slice(Math.max(0, check.line - 10), check.line + 10)
      .some((text) => !isComment(text) && /\b(attempts?|retries|conflictRetries|MAX_CONFLICT_RETRIES)\b/i.test(text));
  });
  assert.ok(loops.length === 0, `re-read and re-apply on 409 with core/cluster's retryOnConflict:\n${where(loops)}`);
});
