import { open, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { clip } from '../errors/clip.js';
import { FlinkInputError } from '../errors/flink-error.js';

/**
 * Checks of what callers hand to `jars` and the workflows, made before any request: each names the
 * argument, what it got and what it expects.
 */

/** How a job restored from a savepoint treats it (Flink's `RecoveryClaimMode`). */
export type ClaimMode = 'CLAIM' | 'NO_CLAIM' | 'LEGACY';

/** Flink's `RecoveryClaimMode` values (the same from 1.15 to 2.3). */
export const CLAIM_MODES: readonly ClaimMode[] = ['CLAIM', 'NO_CLAIM', 'LEGACY'];

/** What an upload sends, once checked. */
export type CheckedJarSource = { kind: 'path'; path: string } | { kind: 'buffer'; bytes: Buffer } | { kind: 'stream'; stream: Readable };

/**
 * Checks a parallelism value.
 * @throws {@link FlinkInputError} unless it is a positive integer.
 */
export function checkParallelism(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new FlinkInputError(`parallelism must be a positive integer (1, 2, …), got ${describe(value)}`);
  }
  return value;
}

/** @throws {@link FlinkInputError} unless `jarId` looks like an id `jars.upload()` returned. */
export function checkJarId(jarId: unknown): string {
  if (typeof jarId !== 'string' || !/^[^/\\?#]+\.jar$/.test(jarId) || jarId.startsWith('..')) {
    throw new FlinkInputError(`jar id ${describe(jarId)} is not a Flink jar id; use the id jars.upload() returned (like 6f1d…_app.jar)`);
  }
  return jarId;
}

/**
 * What a jar upload may read: a path, a Buffer (or Uint8Array), or a readable stream.
 * @throws {@link FlinkInputError} for anything else, e.g. a Promise of a path that was not awaited.
 */
export function checkJarSource(source: unknown): CheckedJarSource {
  if (typeof source === 'string') {
    if (source.trim() === '') throw new FlinkInputError('the jar path is empty; give the path of a .jar file');
    return { kind: 'path', path: source };
  }
  if (Buffer.isBuffer(source)) return { kind: 'buffer', bytes: source };
  if (source instanceof Uint8Array) return { kind: 'buffer', bytes: Buffer.from(source.buffer, source.byteOffset, source.byteLength) };
  if (isReadable(source)) return { kind: 'stream', stream: source };
  throw new FlinkInputError(
    `the jar must be a file path, a Buffer or a readable stream${source !== null && typeof source === 'object' && !isThenable(source) ? ', or { id } of an uploaded jar' : ''}, got ${describe(source)}${isThenable(source) ? ': await it first' : ''}`,
  );
}

/**
 * A file name for the upload's multipart part: it must end up in a `Content-Disposition` header and
 * in Flink's upload folder.
 * @throws {@link FlinkInputError} for a name with a path separator, a quote or a control character.
 */
export function checkUploadName(filename: unknown): string {
  if (typeof filename !== 'string' || filename.trim() === '' || /[/\\"\p{Cc}]/u.test(filename) || filename === '..') {
    throw new FlinkInputError(
      `filename ${describe(filename)} cannot name an upload: give a plain file name such as app.jar (no /, \\, quotes or control characters)`,
    );
  }
  return filename;
}

/** A file's own name as an upload name: characters a header cannot carry become `_`. */
export function safeUploadName(name: string): string {
  const safe = name.replace(/["\\\p{Cc}]/gu, '_');
  return safe.trim() === '' ? 'upload.jar' : safe;
}

/** What {@link checkRunInput} checks of `jars.run` / `submit` / `upgrade` options. */
export interface RunInput {
  entryClass?: unknown;
  args?: unknown;
  config?: unknown;
  claimMode?: unknown;
  savepointPath?: unknown;
  allowNonRestoredState?: unknown;
}

/**
 * Checks run options that need no server: a Java class name, program arguments as a list of
 * strings, configuration as a map of strings, a known claim mode, a non-empty savepoint path.
 * @throws {@link FlinkInputError} naming the option and what it expects.
 */
export function checkRunInput(options: RunInput): void {
  const { entryClass, args, config, claimMode, savepointPath, allowNonRestoredState } = options;
  if (entryClass !== undefined && (typeof entryClass !== 'string' || !JAVA_CLASS.test(entryClass))) {
    throw new FlinkInputError(`entryClass ${describe(entryClass)} is not a Java class name such as com.acme.Main`);
  }
  if (args !== undefined) {
    if (!Array.isArray(args)) {
      throw new FlinkInputError(
        `args must be a list of program arguments such as ['--input', 's3://bucket/in'], got ${describe(args)}${typeof args === 'string' ? ': split it into its arguments' : ''}`,
      );
    }
    const bad = args.findIndex((a) => typeof a !== 'string');
    if (bad >= 0) throw new FlinkInputError(`args[${bad}] must be a string, got ${describe(args[bad])}: write numbers as strings`);
  }
  if (config !== undefined) {
    if (config === null || typeof config !== 'object' || Array.isArray(config)) {
      throw new FlinkInputError(
        `config must map Flink configuration keys to strings, e.g. { 'pipeline.name': 'etl' }, got ${describe(config)}`,
      );
    }
    for (const [key, value] of Object.entries(config)) {
      if (typeof value !== 'string') {
        throw new FlinkInputError(
          `config ${JSON.stringify(key)} must be a string (Flink reads every value as text), got ${describe(value)}`,
        );
      }
    }
  }
  if (claimMode !== undefined && !CLAIM_MODES.includes(claimMode as ClaimMode)) {
    throw new FlinkInputError(`claimMode must be one of ${CLAIM_MODES.join(', ')}, got ${describe(claimMode)}`);
  }
  if (savepointPath !== undefined && (typeof savepointPath !== 'string' || savepointPath.trim() === '')) {
    throw new FlinkInputError(
      `savepointPath must be the location a savepoint or retained checkpoint returned (e.g. s3://bucket/savepoints/savepoint-1a2b3c-4d5e6f7a8b9c), got ${describe(savepointPath)}`,
    );
  }
  if (allowNonRestoredState !== undefined && typeof allowNonRestoredState !== 'boolean') {
    throw new FlinkInputError(`allowNonRestoredState must be true or false, got ${describe(allowNonRestoredState)}`);
  }
}

/**
 * Checks a jar file before it is uploaded and returns its size.
 * @throws {@link FlinkInputError} for a missing, empty or non-jar file, or a directory.
 */
export async function checkJarFile(file: string): Promise<number> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(file);
  } catch {
    throw new FlinkInputError(`jar file ${file} does not exist; check the path (relative paths start at ${process.cwd()})`);
  }
  if (!info.isFile()) throw new FlinkInputError(`${file} is not a file; give the path of a .jar`);
  if (info.size === 0) throw new FlinkInputError(`jar file ${file} is empty (0 bytes); rebuild it`);
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(4);
    await handle.read(head, 0, 4, 0);
    checkJarBytes(head, `file ${file}`);
  } finally {
    await handle.close();
  }
  return info.size;
}

/** @throws {@link FlinkInputError} unless `bytes` start with a zip header. */
export function checkJarBytes(bytes: Buffer, what: string): void {
  if (bytes.length === 0) throw new FlinkInputError(`${what} is empty (0 bytes)`);
  if (bytes.length < 4 || bytes.readUInt32LE(0) !== 0x04034b50) {
    throw new FlinkInputError(`${what} is not a jar (no zip header); build it with mvn package or gradle jar`);
  }
}

const JAVA_CLASS = /^[\p{L}_$][\p{L}\p{N}_$]*(\.[\p{L}_$][\p{L}\p{N}_$]*)*$/u;

function isThenable(value: unknown): boolean {
  return (
    value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function'
  );
}

function isReadable(value: unknown): value is Readable {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { pipe?: unknown }).pipe === 'function' &&
    typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
  );
}

/** A value for a message: short, never the whole of a huge string. */
function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (isThenable(value)) return 'a Promise';
  if (typeof value === 'string') return clip(JSON.stringify(value), 120);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${typeof value} ${String(value)}`;
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  const name = (value as object).constructor?.name;
  const keys = Object.keys(value as object).slice(0, 5);
  return `${name && name !== 'Object' ? `a ${name}` : 'an object'}${keys.length ? ` with ${keys.join(', ')}` : ''}`;
}
