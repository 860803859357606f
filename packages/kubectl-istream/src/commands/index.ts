import type { CommandModule } from '../program.js';
import { setTriggersCommand } from './set-triggers.js';

/** Every subcommand of `kubectl istream`, in the order `--help` lists them. */
export const commands: CommandModule[] = [
  setTriggersCommand,
];
