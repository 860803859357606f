import type { CommandModule } from '../program.js';
import { controllerCommand } from './controller.js';
import { rollbackCommand } from './rollback.js';

/** Every subcommand of `kubectl istream`, in the order `--help` lists them. */
export const commands: CommandModule[] = [rollbackCommand, controllerCommand];
