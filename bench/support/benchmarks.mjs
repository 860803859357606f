// What the cluster benchmarks share: kubectl that fails loudly, quantiles, and writing a result
// section into BENCHMARKS.md.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export async function kubectlOk(cluster, argv, input) {
  const r = await cluster.kubectl(argv, { input });
  if (r.code !== 0) throw new Error(`kubectl ${argv.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** The q-quantile of ascending samples (nearest rank). */
export const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];

/** Replaces (or appends) the `## HEADING` section of BENCHMARKS.md with `section`; returns the file. */
export function recordSection(heading, section) {
  const file = join(root, 'BENCHMARKS.md');
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const escaped = heading.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`## ${escaped}\\n[\\s\\S]*?(?=\\n## |$)`);
  writeFileSync(
    file,
    pattern.test(text) ? text.replace(pattern, section.trimEnd() + '\n') : `${text.trimEnd()}\n\n${section}`,
  );
  return file;
}

/**
 * The smallest Deployment that rolls (replicas 0: the template write is measured, not pod churn;
 * no old ReplicaSets kept, so 10,000 rolls leave no 10,000 ReplicaSets behind).
 */
export function benchDeployment(name, annotations, image = 'registry.bench/team/app:v') {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, ...(annotations ? { annotations } : {}) },
    spec: {
      replicas: 0,
      revisionHistoryLimit: 0,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image }] },
      },
    },
  };
}
