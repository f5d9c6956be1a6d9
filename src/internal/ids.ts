import { FlinkInputError } from '../errors/flink-error.js';

const HEX32 = /^[0-9a-f]{32}$/;

/** A fresh random Flink id (job id, trigger id): 32 lower-case hex characters. */
export function newFlinkId(): string {
  // node:crypto loads on the first id, not with `import 'flink-kit'`.
  return process.getBuiltinModule('node:crypto').randomBytes(16).toString('hex');
}

/**
 * Checks a Flink id (JobID, TriggerId) and returns it.
 * @throws {@link FlinkInputError} unless it is 32 lower-case hex characters.
 */
export function checkId(kind: string, value: unknown): string {
  if (typeof value !== 'string' || !HEX32.test(value)) {
    throw new FlinkInputError(
      `${kind} must be 32 lower-case hex characters (as Flink prints it, e.g. 3f2b9c0d1e4a5b6c7d8e9f0a1b2c3d4e), got ${JSON.stringify(value)}`,
    );
  }
  return value;
}
