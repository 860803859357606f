import { Option, type Command } from 'commander';
import { CliError } from './errors.js';

/** Where a command finds its cluster: the flags kubectl itself takes for this. */
export interface ClusterFlags {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
}

/** For an option given once per value (`--flag a --flag b`): the values, in order. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** How images are imported: the flags `import-image` and `tag` share, with oc's names. */
export interface ImportPolicyFlags {
  scheduled?: boolean;
  insecure?: boolean;
  referencePolicy?: string;
  importMode?: string;
}

export function addImportPolicyFlags(cmd: Command, scheduledDescription: string): Command {
  return cmd
    .option('--scheduled', scheduledDescription)
    .option('--insecure', 'allow registries with invalid HTTPS certificates or plain HTTP')
    .option('--reference-policy <policy>', "'source' or 'local' (pull through the stream's repository)")
    .option('--import-mode <mode>', 'Legacy (one platform of a manifest list) or PreserveOriginal (the list itself)');
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
  throw new CliError(
    `invalid --dry-run value "${String(value)}": use --dry-run=client, --dry-run=server or --dry-run=none`,
  );
}

/** kubectl's --show-managed-fields, for commands that print objects with -o json|yaml. */
export function addShowManagedFieldsFlag(cmd: Command): Command {
  return cmd.option('--show-managed-fields', 'keep metadata.managedFields when printing objects as JSON or YAML');
}
