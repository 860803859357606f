// Which kube context the extension would talk to, worked out the way kubectl does: the files in
// KUBECONFIG (else ~/.kube/config), the first current-context set wins, a setting overrides it.
import { readFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { parse } from 'yaml';

export type KubeContext =
  | { kind: 'context'; name: string; kubeconfig: string[] }
  | { kind: 'none'; reason: string };

export interface KubeContextInputs {
  clusterEnabled: boolean;
  /** The `istream.cluster.context` setting. */
  configuredContext: string | undefined;
  /** The KUBECONFIG environment variable. */
  kubeconfigEnv: string | undefined;
  home: string;
}

interface KubeconfigFile {
  'current-context'?: unknown;
  contexts?: unknown;
}

export function kubeconfigPaths(kubeconfigEnv: string | undefined, home: string): string[] {
  const listed = (kubeconfigEnv ?? '').split(delimiter).filter((p) => p !== '');
  return listed.length > 0 ? listed : [join(home, '.kube', 'config')];
}

async function readKubeconfig(path: string): Promise<KubeconfigFile | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const doc: unknown = parse(text, { maxAliasCount: 100 });
    return doc !== null && typeof doc === 'object' ? (doc as KubeconfigFile) : undefined;
  } catch {
    return undefined;
  }
}

function contextNames(file: KubeconfigFile): string[] {
  if (!Array.isArray(file.contexts)) return [];
  return file.contexts
    .map((c: unknown) => (c !== null && typeof c === 'object' ? (c as { name?: unknown }).name : undefined))
    .filter((n): n is string => typeof n === 'string');
}

export async function resolveKubeContext(inputs: KubeContextInputs): Promise<KubeContext> {
  if (!inputs.clusterEnabled) return { kind: 'none', reason: 'cluster lookups are off (istream.cluster.enabled)' };
  const paths = kubeconfigPaths(inputs.kubeconfigEnv, inputs.home);
  const files = (await Promise.all(paths.map(readKubeconfig))).filter((f): f is KubeconfigFile => f !== undefined);
  if (files.length === 0) return { kind: 'none', reason: `no kubeconfig at ${paths.join(delimiter)}` };

  const current = files.map((f) => f['current-context']).find((c): c is string => typeof c === 'string' && c !== '');
  const name = inputs.configuredContext ?? current;
  if (name === undefined) return { kind: 'none', reason: 'the kubeconfig has no current context; set istream.cluster.context' };
  if (!files.some((f) => contextNames(f).includes(name))) {
    return { kind: 'none', reason: `the kubeconfig has no context named "${name}"` };
  }
  return { kind: 'context', name, kubeconfig: paths };
}
