import { homedir } from 'node:os';
import { join } from 'node:path';

/** The default cache: `$FLINK_KIT_CACHE`, else `$XDG_CACHE_HOME/flink-kit`, else `~/.cache/flink-kit`. */
export function defaultCacheDir(): string {
  return process.env['FLINK_KIT_CACHE'] ?? join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'flink-kit');
}
