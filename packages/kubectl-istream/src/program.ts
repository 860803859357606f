// The command line: global flags (accepted before or after the subcommand, as kubectl's are),
// the subcommands, kubectl's form for usage errors, and the mapping of errors to exit codes.
import { Command, InvalidArgumentError } from 'commander';
import { buildInfo, clientVersionText } from './build-info.js';
import { commands } from './definitions/index.js';
import { COMPLETE_COMMAND, completionOutput } from './completion.js';
import { asCliError, CliError } from './errors.js';
import { createFactory, type FactoryOptions, type GlobalFlags } from './factory.js';
import { processIO } from './io.js';

/** The terminal and environment a run uses (`bufferIO()` and a made-up environment in tests). */
export type RunOptions = Omit<FactoryOptions, 'flags'>;

const defaultRun = (): RunOptions => ({ io: processIO(), env: process.env });

/**
 * kubectl (pflag) takes `-v=6` and `-n=team`; commander would read the value as `=6`. Before `--`,
 * they become the long forms, which take `=`.
 */
function withShorthandValues(argv: string[]): string[] {
  const end = argv.indexOf('--');
  const options = end < 0 ? argv : argv.slice(0, end);
  const rest = end < 0 ? [] : argv.slice(end);
  return [...options.map((arg) => arg.replace(/^-v=/, '--v=').replace(/^-n=/, '--namespace=')), ...rest];
}

function parseVerbosity(level: string): string {
  if (!/^\d+$/.test(level)) throw new InvalidArgumentError('use a number from 0 to 10, e.g. -v=6 to log every request');
  return level;
}

const usageHint = (command: string): string => `See '${command} --help' for usage.`;

/** The program with every command registered; each command gets the same factory. */
export function buildProgram(run: RunOptions = defaultRun()): Command {
  const program = new Command('kubectl istream');
  const flags = (): GlobalFlags => {
    const o = program.opts<{ v: string; namespace?: string; context?: string; kubeconfig?: string }>();
    return { verbosity: Number(o.v), namespace: o.namespace, context: o.context, kubeconfig: o.kubeconfig };
  };
  const factory = createFactory({ ...run, flags });
  program
    .description('Image streams and image-change triggers for any Kubernetes cluster')
    .version(clientVersionText(buildInfo()), '--version', 'print the plugin version and commit')
    .option('-n, --namespace <namespace>', "namespace to use (default: the context's namespace)")
    .option('--context <context>', 'kubeconfig context to use')
    .option('--kubeconfig <path>', 'path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option(
      '-v, --v <level>',
      'log verbosity (0-10); 6 and above log every cluster and registry request',
      parseVerbosity,
      '0',
    )
    .showHelpAfterError(usageHint('kubectl istream'))
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({
      writeOut: (s) => run.io.out.write(s),
      writeErr: (s) => run.io.err.write(s),
    })
    .exitOverride();
  for (const mod of commands) mod.register(program, factory);
  for (const cmd of program.commands) cmd.showHelpAfterError(usageHint(`kubectl istream ${cmd.name()}`));
  return program;
}

/** Runs the CLI and returns the exit code; errors become one `error: ...` line. */
export async function runCli(argv: string[], run: RunOptions = defaultRun()): Promise<number> {
  const program = buildProgram(run);
  if (argv[0] === COMPLETE_COMMAND) {
    run.io.out.write(completionOutput(program, argv.slice(1)));
    return 0;
  }
  try {
    await program.parseAsync(withShorthandValues(argv), { from: 'user' });
    return 0;
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('commander.')) {
      // commander has printed its message (usage errors in kubectl's form: one line and the hint).
      return (e as { exitCode: number }).exitCode;
    }
    const error = await asCliError(e);
    if (error instanceof CliError) {
      run.io.err.write(`error: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}
