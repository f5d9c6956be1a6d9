import { z } from 'zod';
import { clip } from '../errors/clip.js';
import { rootCauseOf, shorten } from '../errors/java-trace.js';

/** Flink's `SerializedThrowable` as it is on the wire: `class` and `stack-trace` besides the spec's field. */
const SerializedThrowable = z.looseObject({
  class: z.string().optional(),
  'stack-trace': z.string().optional(),
  'serialized-throwable': z.string().optional(),
});

/** A failure reported by an async operation, in short and long form. */
export interface OperationFailure {
  /** First line of Flink's failure, e.g. `CompletionException: …CheckpointException: … IO-problem detected.` */
  message: string;
  /** Innermost cause, e.g. `IOException: Mkdirs failed to create /proc/x`. */
  rootCause: string | undefined;
  /** Flink's full stack trace. */
  stackTrace: string | undefined;
}

/**
 * `GET …/{triggerid}` of every async operation: `{ status: { id }, operation }`. COMPLETED can be a
 * failure: `failure-cause` (savepoint, stop, disposal) or `failureCause` (checkpoint).
 */
export const AsyncOperationReply = z
  .object({
    status: z.object({ id: z.string() }),
    operation: z.record(z.string(), z.unknown()).nullish(),
  })
  .transform((w) => {
    const operation = w.operation ?? {};
    const cause = SerializedThrowable.safeParse(operation['failure-cause'] ?? operation['failureCause']);
    let failure: OperationFailure | undefined;
    if (cause.success && (operation['failure-cause'] ?? operation['failureCause']) != null) {
      const trace = cause.data['stack-trace'];
      failure = {
        message: clip(shorten((trace ?? cause.data.class ?? 'unknown failure').split('\n')[0] ?? ''), 1_000),
        rootCause: rootCauseOf(trace),
        stackTrace: trace,
      };
    }
    return { completed: w.status.id === 'COMPLETED', operation, failure };
  });

/** Result of a savepoint or stop-with-savepoint. */
export const SavepointResult = z.object({ location: z.string() });

/** Result of a checkpoint trigger (Flink 1.17+). */
export const CheckpointResult = z.object({ checkpointId: z.number() });
