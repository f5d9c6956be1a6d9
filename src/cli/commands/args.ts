import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type { ClaimMode, RunOptions } from '../../resources/jars.js';
import type { JarSource } from '../../workflows/jar-source.js';

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

/** The run options shared by `run` and `upgrade`, from their flags. */
export function runFlags(flags: Record<string, unknown>, args: string[] | undefined): Omit<RunOptions, 'signal'> {
  const options: Omit<RunOptions, 'signal'> = {};
  if (flags['parallelism'] !== undefined) options.parallelism = flags['parallelism'] as number;
  if (flags['class'] !== undefined) options.entryClass = flags['class'] as string;
  if (flags['allowNonRestored']) options.allowNonRestoredState = true;
  if (flags['claimMode'] !== undefined) options.claimMode = flags['claimMode'] as ClaimMode;
  const config = flags['D'] as Record<string, string> | undefined;
  if (config && Object.keys(config).length > 0) options.config = config;
  if (args && args.length > 0) options.args = args;
  return options;
}
