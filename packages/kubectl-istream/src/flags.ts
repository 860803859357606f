import { Option, type Command } from 'commander';
import { CliError } from './errors.js';

/** Where a command finds its cluster: the flags kubectl itself takes for this. */
export interface ClusterFlags {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
}

export function addClusterFlags(cmd: Command): Command {
  return cmd
    .option('-n, --namespace <namespace>', 'namespace to use (default: the context\'s namespace)')
    .option('--context <context>', 'kubeconfig context to use')
    .option('--kubeconfig <path>', 'path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)');
}

export function addOutputFlag(cmd: Command, formats: readonly string[], description = 'output format'): Command {
  return cmd.addOption(new Option('-o, --output <format>', `${description}: ${formats.join('|')}`).choices(formats));
}

export type DryRun = 'none' | 'client' | 'server';

/** kubectl's `--dry-run[=client|server|none]`; a bare `--dry-run` means client. */
export function addDryRunFlag(cmd: Command): Command {
  return cmd.option('--dry-run [strategy]', 'only print what would be done: client or server', false);
}

export function parseDryRun(value: unknown): DryRun {
  if (value === undefined || value === false) return 'none';
  if (value === true) return 'client';
  if (value === 'client' || value === 'server' || value === 'none') return value;
  throw new CliError(`invalid --dry-run value "${String(value)}": use --dry-run=client, --dry-run=server or --dry-run=none`);
}
