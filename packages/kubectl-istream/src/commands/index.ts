import type { CommandModule } from '../program.js';

/** Every subcommand of `kubectl istream`, in the order `--help` lists them. */
export const commands: CommandModule[] = [];
