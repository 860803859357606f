import type { CommandModule } from '../program.js';
import { controllerCommand } from './controller.js';

/** Every subcommand of `kubectl istream`, in the order `--help` lists them. */
export const commands: CommandModule[] = [controllerCommand];
