import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type { JarSource, RunOptions } from '../../index.js';
import type { FlagsOf } from '../definitions.js';

/** Flink names uploaded jars `<uuid>_<file name>.jar`. */
const JAR_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}_.+\.jar$/i;

/** A jar argument: a file to upload, or the id of an uploaded jar when no such file exists. */
export function jarSource(value: string): JarSource {
  return !existsSync(value) && JAR_ID.test(value) ? { id: value } : value;
}

/** A short name for a jar argument, for progress lines. */
export function jarLabel(jar: JarSource): string {
  return typeof jar === 'string' ? basename(jar) : 'id' in jar ? jar.id : 'jar';
}

/** The options `run` and `upgrade` share (`-p`, `-c`, `-n`, `--claim-mode`, `-D`). */
export type JarFlags = Pick<FlagsOf<'run'> & FlagsOf<'upgrade'>, 'parallelism' | 'class' | 'allowNonRestored' | 'claimMode' | 'D'>;

/** The run options shared by `run` and `upgrade`, from their flags. */
export function runFlags(flags: JarFlags, args: readonly string[] | undefined): Omit<RunOptions, 'signal'> {
  const options: Omit<RunOptions, 'signal'> = {};
  if (flags.parallelism !== undefined) options.parallelism = flags.parallelism;
  if (flags.class !== undefined) options.entryClass = flags.class;
  if (flags.allowNonRestored) options.allowNonRestoredState = true;
  if (flags.claimMode !== undefined) options.claimMode = flags.claimMode;
  if (flags.D && Object.keys(flags.D).length > 0) options.config = flags.D;
  if (args && args.length > 0) options.args = [...args];
  return options;
}
