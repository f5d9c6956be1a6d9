import type { z } from 'zod';
import type { FlinkApiError } from '../errors/api-errors.js';
import { FlinkOperationError } from '../errors/domain-errors.js';
import { FlinkResponseError } from '../errors/transport-errors.js';
import type { RequestOptions } from '../options.js';
import { isSchemaRef, lazy, type SchemaRef } from '../schemas/lazy.js';
import type { OperationFailure } from '../schemas/operations.js';
import type { Transport } from '../transport/http.js';
import { isTransient } from '../transport/retry-policy.js';
import { poll, SDK_PAUSE_RATIO } from './poll.js';

/** Which kind of async operation. */
export type OperationKind = 'savepoint' | 'stop' | 'checkpoint' | 'disposal';

/** One look at an async operation. */
export type OperationStatus<T> =
  | { state: 'IN_PROGRESS' }
  | { state: 'COMPLETED'; result: T }
  | { state: 'FAILED'; failure: OperationFailure };

/** Options of {@link AsyncOperation.result}. */
export interface OperationWaitOptions {
  /** Overall deadline of the wait, in milliseconds; long savepoints need about `execution.checkpointing.timeout`. @default 600000 */
  waitTimeoutMs?: number;
  /** Longest pause between two looks, in milliseconds (the first is a tenth of it, at most 50 ms). @default 1000 */
  pollIntervalMs?: number;
  /** Cancels the wait (not the operation). */
  signal?: AbortSignal;
}

/** How to read one kind of operation. @internal */
export interface OperationSpec<T> {
  kind: OperationKind;
  triggerId: string;
  /** Status route, built with the `path` template. */
  statusPath: string;
  /** The job it concerns, for messages. */
  jobId?: string | undefined;
  /** Schema of the success payload (`operation`); omit for operations without one (disposal). */
  result?: z.ZodType<T> | SchemaRef<T>;
  /** Turns a failure into the error to throw (adds hints); default: a plain {@link FlinkOperationError}. */
  onFailure?: (failure: OperationFailure) => Promise<FlinkOperationError> | FlinkOperationError;
}

/**
 * A handle on one of Flink's async operations (savepoint, stop-with-savepoint, checkpoint,
 * disposal): the trigger id, a `status()` look and a `result()` wait. Built from a stored trigger id
 * it makes no request until asked.
 *
 * @example
 * ```ts
 * const op = await flink.savepoints.trigger(jobId, { targetDirectory: 's3://bucket/savepoints' });
 * const { location } = await op.result({ waitTimeoutMs: 600_000 });
 * ```
 */
export class AsyncOperation<T> {
  /** The client-chosen trigger id: store it to look the operation up later. */
  readonly triggerId: string;
  /** Which kind of operation. */
  readonly kind: OperationKind;
  private readonly transport: Pick<Transport, 'request'>;
  private readonly spec: OperationSpec<T>;

  /** @internal */
  constructor(transport: Pick<Transport, 'request'>, spec: OperationSpec<T>) {
    this.transport = transport;
    this.spec = spec;
    this.triggerId = spec.triggerId;
    this.kind = spec.kind;
  }

  /**
   * One look at the operation.
   * @throws {@link FlinkOperationError} when Flink no longer knows the trigger id (expired or failover).
   * @throws {@link FlinkResponseError} when a success lacks the expected result (e.g. no `location`).
   */
  async status(options?: RequestOptions): Promise<OperationStatus<T>> {
    const reply = await this.transport.request(
      {
        method: 'GET',
        path: this.spec.statusPath,
        schema: lazy.operations('AsyncOperationReply'),
        // An unknown trigger id: the result expired, the JobManager failed over, or the id is wrong.
        errors: [{ status: 404, wrap: (error) => this.expired(error) }],
      },
      options,
    );
    if (!reply.completed) return { state: 'IN_PROGRESS' };
    if (reply.failure) return { state: 'FAILED', failure: reply.failure };
    if (!this.spec.result) return { state: 'COMPLETED', result: undefined as T };
    const schema = isSchemaRef(this.spec.result) ? await this.spec.result.load() : this.spec.result;
    const parsed = schema.safeParse(reply.operation);
    if (!parsed.success) {
      const summary = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      throw new FlinkResponseError(
        `GET ${this.spec.statusPath} answered COMPLETED with an operation of an unexpected shape (${summary}) for ${this.describe()}`,
        { status: 200, body: JSON.stringify(reply.operation), issues: parsed.error.issues },
      );
    }
    return { state: 'COMPLETED', result: parsed.data };
  }

  /**
   * Waits for the operation, polling with backoff (up to `pollIntervalMs`).
   * @returns the operation's result, e.g. `{ location }` of a savepoint.
   * @throws {@link FlinkOperationError} when it failed (with Flink's cause and root cause) or expired.
   * @throws {@link FlinkTimeoutError} when `waitTimeoutMs` passes first.
   */
  async result(options: OperationWaitOptions = {}): Promise<T> {
    const request = options.signal ? { signal: options.signal } : {};
    return poll(
      async () => {
        const status = await this.status(request);
        if (status.state === 'COMPLETED') return { done: true, value: status.result };
        if (status.state === 'FAILED') throw await this.failed(status.failure);
        return { done: false, seen: 'IN_PROGRESS' };
      },
      {
        what: `${this.describe()} to complete`,
        waitTimeoutMs: options.waitTimeoutMs ?? 600_000,
        signal: options.signal,
        tolerate: isTransient,
        minDelayMs: Math.min(50, (options.pollIntervalMs ?? 1_000) / 10),
        maxDelayMs: options.pollIntervalMs ?? 1_000,
        pauseRatio: SDK_PAUSE_RATIO,
      },
    );
  }

  private describe(): string {
    return `${this.kind} ${this.triggerId}${this.spec.jobId ? ` of job ${this.spec.jobId}` : ''}`;
  }

  private async failed(failure: OperationFailure): Promise<FlinkOperationError> {
    if (this.spec.onFailure) return this.spec.onFailure(failure);
    return operationError(this.kind, `${this.describe()} failed`, failure);
  }

  private expired(cause: FlinkApiError): FlinkOperationError {
    return new FlinkOperationError(
      `${this.describe()} is unknown to the JobManager: its result expired (kept for rest.async.store-duration, 5 minutes by default), the JobManager failed over, or the trigger id is wrong`,
      { operation: this.kind, cause },
    );
  }
}

/** A {@link FlinkOperationError} for a failure, with Flink's root cause and an optional hint. */
export function operationError(
  kind: OperationKind,
  what: string,
  failure: OperationFailure,
  hint?: string,
  savepointPath?: string,
): FlinkOperationError {
  const cause = failure.rootCause ?? failure.message;
  return new FlinkOperationError(`${what}: ${cause}${hint ? `. ${hint}` : ''}`, {
    operation: kind,
    failureCause: failure.message,
    rootCause: failure.rootCause,
    details: failure.stackTrace,
    savepointPath,
  });
}
