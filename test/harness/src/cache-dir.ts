import { homedir } from 'node:os';
import { join } from 'node:path';

/** A path under istream's cache (`$XDG_CACHE_HOME/istream`, else `~/.cache/istream`), kept between runs. */
export function istreamCacheDir(...parts: string[]): string {
  return join(process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'istream', ...parts);
}
