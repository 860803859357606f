import type { CommandModule } from '../program.js';
import { digestCommand } from './digest.js';
import { lintCommand } from './lint.js';

/** Every subcommand of `kubectl istream`, in the order `--help` lists them. */
export const commands: CommandModule[] = [digestCommand, lintCommand];
