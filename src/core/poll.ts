import { FlinkTimeoutError } from '../errors/transport-errors.js';
import { sleep } from '../internal/sleep.js';
import { Backoff } from './backoff.js';

/**
 * How late the SDK's own waits (a job's state, an async operation) may notice what they wait for:
 * a tenth of the time waited so far. A savepoint of 300 ms is seen within ~30 ms, one of five
 * minutes within the pause cap.
 */
export const SDK_PAUSE_RATIO = 0.1;

/** One look at the awaited thing: done with a value, or not yet (with what was seen, for messages). */
export type PollStep<T> = { done: true; value: T } | { done: false; seen?: string };

/** Options of {@link poll}. */
export interface PollOptions {
  /** What is awaited, for the timeout message, e.g. "job 3f2b… to reach RUNNING". */
  what: string;
  /** Overall deadline in milliseconds. @default 300000 */
  waitTimeoutMs?: number | undefined;
  /** Cancels the wait. */
  signal?: AbortSignal | undefined;
  /** First delay between looks. @default 100 */
  minDelayMs?: number | undefined;
  /** Longest delay between looks (the backoff cap). @default 2000 */
  maxDelayMs?: number | undefined;
  /**
   * Caps each delay at this share of the time waited so far (never below `minDelayMs`): a short wait
   * is looked at closely, so what it waits for is noticed at most that share late; a long one still
   * backs off to `maxDelayMs`. Without it, delays grow x1.5 from the first.
   */
  pauseRatio?: number | undefined;
  /**
   * Errors of `check` that do not end the wait (e.g. the JobManager unreachable while it fails
   * over): the next look comes as usual, until the deadline, whose error names the last one.
   */
  tolerate?: ((error: unknown) => boolean) | undefined;
}

/**
 * The one poller: calls `check` with exponential backoff (x1.5 from `minDelayMs` up to `maxDelayMs`,
 * and at most `pauseRatio` of the time waited so far) until it reports done, the deadline passes
 * ({@link FlinkTimeoutError}) or the signal aborts (rejects with the signal's reason). Errors thrown
 * by `check` end the wait, unless `tolerate` accepts them. The deadline is checked after each look
 * that did not find it done: a look that does returns its value, however short the deadline (with
 * `waitTimeoutMs: 1` there is still one look).
 */
export async function poll<T>(check: (attempt: number) => Promise<PollStep<T>>, options: PollOptions): Promise<T> {
  const timeoutMs = options.waitTimeoutMs ?? 300_000;
  const maxDelay = options.maxDelayMs ?? 2_000;
  const minDelay = Math.min(options.minDelayMs ?? 100, maxDelay);
  const backoff = new Backoff({ minMs: minDelay, maxMs: maxDelay, factor: 1.5 });
  const started = performance.now();
  const deadline = started + timeoutMs;
  let seen: string | undefined;
  let tolerated: unknown;
  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted();
    let step: PollStep<T>;
    try {
      step = await check(attempt);
      tolerated = undefined;
    } catch (error) {
      if (options.signal?.aborted || !options.tolerate?.(error)) throw error;
      tolerated = error;
      step = { done: false, seen: `no answer: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (step.done) return step.value;
    seen = step.seen ?? seen;
    const left = deadline - performance.now();
    if (left <= 0) {
      throw new FlinkTimeoutError(
        `timed out after ${timeoutMs} ms waiting for ${options.what}${seen ? ` (last seen: ${seen})` : ''}. Raise waitTimeoutMs if this is expected to take longer.`,
        { timeoutMs, cause: tolerated },
      );
    }
    const delay = backoff.delayMs;
    const pause =
      options.pauseRatio === undefined ? delay : Math.min(delay, Math.max(minDelay, (performance.now() - started) * options.pauseRatio));
    await sleep(Math.min(pause, left), options.signal);
    backoff.grow();
  }
}
