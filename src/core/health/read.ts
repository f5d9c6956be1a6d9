import pLimit from 'p-limit';
import { FlinkApiError, FlinkNotFoundError } from '../../errors/api-errors.js';
import { FlinkInputError } from '../../errors/flink-error.js';
import type { RequestOptions } from '../../options.js';
import type { CheckpointConfig, CheckpointStats } from '../../schemas/checkpoints.js';
import type { BackpressureReply, HealthJobReply } from '../../schemas/health.js';
import type { HealthReport } from '../../schemas/health-report.js';
import type { JobExceptions } from '../../schemas/jobs.js';
import type { SchemaRef } from '../../schemas/lazy.js';
import { lazy } from '../../schemas/lazy.js';
import { path } from '../../transport/path.js';
import type { ResourceContext } from '../context.js';
import { JOB_ERRORS } from '../job-routes.js';
import { poll } from '../poll.js';
import { describeHealth, type HealthFacts } from './describe.js';
import { judgeHealth } from './judge.js';
import { restartMetric, vertexMetricNames } from './metrics.js';
import { type HealthThresholds, resolveThresholds } from './thresholds.js';

/** Options of `jobs.health()`: the thresholds, and what to read. */
export interface HealthOptions extends HealthThresholds, RequestOptions {
  /**
   * An earlier report of the same job (e.g. the previous one of a watch): restarts in the window are
   * then counted as the growth of the restart counter since it, the Flink Kubernetes Operator's way.
   * Without it they are counted from the job's age or its exception history.
   */
  previous?: HealthReport;
  /** How many of the newest exceptions to include. @default 5 */
  exceptions?: number;
  /** Include each exception's Java stack trace. @default false */
  stackTraces?: boolean;
  /** Requests in flight at once. @default 4 */
  concurrency?: number;
  /**
   * Read each vertex's record rates, watermark and pending records (2 requests per vertex). `false`
   * keeps only backpressure, busy and idle time (1 per vertex), as `flink-kit top` does.
   * @default true
   */
  vertexMetrics?: boolean;
}

/** The exception history Flink keeps by default (`web.exception-history-size`): enough to count restarts in a window. */
const HISTORY = 16;
/** Metrics older than this (the default `metrics.fetcher.update-interval`, 10 s, and some slack) are from a fetch before this read. */
const STALE_MS = 12_000;
/** How long a read waits for the JobManager's fresh fetch, and how often it looks. */
const FRESH_WAIT_MS = 3_000;
const FRESH_POLL_MS = 200;
/** What Flink 1.20's 500 on the backpressure route says (`java.util.NoSuchElementException: No value present`). */
const NO_VALUE = /NoSuchElementException|No value present/;
const NOT_MEASURED: BackpressureReply = { measured: false, level: undefined, measuredAt: undefined, subtasks: [] };

/**
 * Reads a job's health: 5 + 2 x vertices requests, 6 + 3 x vertices once Flink has metrics, plus a
 * few looks at one vertex's backpressure when Flink's metrics are older than its fetch interval; at
 * most `concurrency` at once.
 */
export async function readHealth(ctx: ResourceContext, jobId: string, options: HealthOptions): Promise<HealthReport> {
  const thresholds = resolveThresholds(options);
  const shown = options.exceptions ?? 5;
  if (!Number.isInteger(shown) || shown < 0)
    throw new FlinkInputError(`exceptions must be a whole number >= 0, got ${JSON.stringify(shown)}`);
  const concurrency = options.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new FlinkInputError(`concurrency must be a whole number >= 1, got ${JSON.stringify(concurrency)}`);
  const request: RequestOptions = {};
  for (const key of ['signal', 'timeoutMs', 'retry', 'headers'] as const)
    if (options[key] !== undefined) Object.assign(request, { [key]: options[key] });

  const limit = pLimit(concurrency);
  const get = <T>(route: string, schema: SchemaRef<T>, query?: Record<string, string | number>) =>
    limit(() => ctx.transport.request<T>({ method: 'GET', path: route, query, schema, errors: JOB_ERRORS }, request));
  /** A route Flink answers 404 for when the job has no such data (checkpoints of a batch job). */
  const optional = <T>(reply: Promise<T>) =>
    reply.catch((error: unknown) => {
      if (error instanceof FlinkNotFoundError) return undefined;
      throw error;
    });

  const details: Promise<HealthJobReply> = get(path`/jobs/${jobId}`, lazy.health('HealthJobReply'));
  const checkpoints: Promise<CheckpointStats | undefined> = optional(
    get(path`/jobs/${jobId}/checkpoints`, lazy.checkpoints('CheckpointStats')),
  );
  const previous = options.previous?.jobId === jobId ? options.previous : undefined;
  // A job's checkpoint configuration does not change while it runs: an earlier report of it has it.
  const checkpointConfig: Promise<CheckpointConfig | undefined> = previous
    ? Promise.resolve(configOf(previous))
    : optional(get(path`/jobs/${jobId}/checkpoints/config`, lazy.checkpoints('CheckpointConfig')));
  // The history is read to show exceptions and to count restarts; with an earlier report and none to show, neither needs it.
  const exceptions: Promise<JobExceptions | undefined> =
    previous && shown === 0
      ? Promise.resolve(undefined)
      : get(path`/jobs/${jobId}/exceptions`, lazy.jobs('JobExceptions'), { maxExceptions: Math.max(shown, HISTORY) });
  // Awaited below; marked handled now, so an early failure (an unknown job) never goes unhandled.
  for (const p of [checkpoints, checkpointConfig, exceptions]) p.catch(() => undefined);

  const job = await details;
  const observedAt = job.now ?? Date.now();
  const bp = (vertexId: string): Promise<BackpressureReply> =>
    get(`${path`/jobs/${jobId}/vertices/${vertexId}`}/backpressure`, lazy.health('BackpressureReply')).catch((error: unknown) => {
      // A rule of this route only (500 is no transient failure elsewhere): Flink 1.20 sometimes fails it
      // with 500 "No value present" (NoSuchElementException) while a subtask's metrics are incomplete in
      // the JobManager's store. The vertex is not measured for this read; the read itself did not fail.
      if (error instanceof FlinkApiError && error.status === 500 && NO_VALUE.test(error.errors.join('\n'))) return NOT_MEASURED;
      throw error;
    });
  /**
   * The first vertex's backpressure, from a fresh fetch of Flink's metrics: Flink answers from its
   * last fetch and, when that is older than metrics.fetcher.update-interval, fetches anew in the
   * background (this read's job request started one). Looks again for up to FRESH_WAIT_MS, then
   * takes what it has.
   */
  const freshBackpressure = async (vertexId: string): Promise<BackpressureReply> => {
    let giveUpAt = 0;
    return poll(
      async (look) => {
        const reply = await bp(vertexId);
        if (look === 1) giveUpAt = performance.now() + FRESH_WAIT_MS;
        const fresh = reply.measuredAt === undefined || reply.measuredAt >= observedAt - STALE_MS;
        return fresh || performance.now() >= giveUpAt ? { done: true, value: reply } : { done: false };
      },
      // The looks end themselves at giveUpAt; the poller's deadline is a margin behind it.
      {
        what: `fresh metrics of vertex ${vertexId}`,
        waitTimeoutMs: 2 * FRESH_WAIT_MS,
        minDelayMs: FRESH_POLL_MS,
        maxDelayMs: FRESH_POLL_MS,
        signal: options.signal,
      },
    );
  };
  // A job that does not run has no live metrics and no backpressure to read.
  const running = job.state === 'RUNNING' ? job.vertices : [];
  const first = running[0] ? await freshBackpressure(running[0].id) : undefined;
  const restarts = get(path`/jobs/${jobId}/metrics`, lazy.health('MetricNames')).then(async (names) => {
    const name = restartMetric(names);
    if (!name) return undefined;
    const values = await get(path`/jobs/${jobId}/metrics`, lazy.health('MetricValues'), { get: name });
    return values[name];
  });
  const vertices = Promise.all(
    running.map(async (v, i) => {
      const vertex = path`/jobs/${jobId}/vertices/${v.id}`;
      const [backpressure, metrics] = await Promise.all([
        i === 0 ? first : bp(v.id),
        options.vertexMetrics === false
          ? undefined
          : get(`${vertex}/subtasks/metrics`, lazy.health('MetricNames')).then((names) => {
              const wanted = vertexMetricNames(names);
              if (wanted.length === 0) return undefined;
              return get(`${vertex}/subtasks/metrics`, lazy.health('AggregatedMetrics'), { get: wanted.join(','), agg: 'min,max,avg,sum' });
            }),
      ]);
      return [v.id, { backpressure, metrics }] as const;
    }),
  );
  const [restartCount, stats, config, history, byVertex] = await Promise.all([
    restarts,
    checkpoints,
    checkpointConfig,
    exceptions,
    vertices,
  ]);
  const facts: HealthFacts = {
    job,
    restarts: restartCount,
    checkpoints: stats,
    checkpointConfig: config,
    exceptions: history,
    vertices: new Map(byVertex),
  };
  const evidence = describeHealth(facts, {
    restartWindowMs: thresholds.restartWindowMs,
    previous: options.previous,
    exceptions: shown,
    stackTraces: options.stackTraces === true,
  });
  return judgeHealth(evidence, thresholds);
}

/** The checkpoint configuration an earlier report of the job recorded. */
function configOf(report: HealthReport): CheckpointConfig | undefined {
  const cp = report.checkpoints;
  if (!cp.enabled) return undefined;
  return {
    mode: undefined,
    intervalMs: cp.intervalMs,
    timeoutMs: cp.timeoutMs,
    minPauseMs: undefined,
    maxConcurrent: undefined,
    externalized: undefined,
    deleteOnCancellation: undefined,
    stateBackend: undefined,
    checkpointStorage: undefined,
    unalignedCheckpoints: undefined,
    tolerableFailedCheckpoints: cp.tolerableFailures,
  };
}
