import { Command } from 'commander';
import { CliError } from './errors.js';
import { processIO, type IOStreams } from './io.js';
import { commands } from './commands/index.js';

/** Everything a command needs from the outside world, injected so tests can replace it. */
export interface Deps {
  io: IOStreams;
  env: NodeJS.ProcessEnv;
}

export interface CommandModule {
  register(program: Command, deps: Deps): void;
}

export function buildProgram(deps: Deps = { io: processIO(), env: process.env }): Command {
  const program = new Command('kubectl istream')
    .description('Image streams and image-change triggers for any Kubernetes cluster')
    .option('-v, --v <level>', 'log verbosity (0-9)', '0')
    .showHelpAfterError()
    .configureOutput({
      writeOut: (s) => deps.io.out.write(s),
      writeErr: (s) => deps.io.err.write(s),
    })
    .exitOverride();
  for (const mod of commands) mod.register(program, deps);
  return program;
}

/** Runs the CLI and returns the exit code; errors become one `error: ...` line. */
export async function runCli(argv: string[], deps: Deps = { io: processIO(), env: process.env }): Promise<number> {
  const program = buildProgram(deps);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CliError) {
      deps.io.err.write(`error: ${e.message}\n`);
      return e.exitCode;
    }
    const code = (e as { code?: string; exitCode?: number }).code;
    if (typeof code === 'string' && code.startsWith('commander.')) {
      return (e as { exitCode: number }).exitCode;
    }
    throw e;
  }
}
