import { checkParallelism } from '../core/jar-input.js';
import { waitForJob } from '../core/job-wait.js';
import { poll, SDK_PAUSE_RATIO } from '../core/poll.js';
import { type RunOptions, runBody } from '../core/run-body.js';
import type { SavepointFormat } from '../core/savepoint-rules.js';
import { stopWithSavepoint } from '../core/stop-with-savepoint.js';
import { FlinkOperationError, FlinkUpgradeError, InsufficientSlotsError } from '../errors/domain-errors.js';
import { FlinkError, FlinkInputError } from '../errors/flink-error.js';
import { checkId } from '../internal/ids.js';
import type { CheckpointsResource } from '../resources/checkpoints.js';
import type { ClientParts } from './client-parts.js';
import { checkJarToRun, type JarSource, jarToRun } from './jar-source.js';

/** How to start the previous version again if the new one fails (the rollback). */
export interface PreviousRun {
  /** The previous jar: `{ id }` of an uploaded jar, or a path, Buffer or stream to upload on rollback. */
  jar: JarSource;
  entryClass?: string | undefined;
  args?: readonly string[] | undefined;
  /** Default: the stopped job's parallelism. */
  parallelism?: number | undefined;
  config?: Record<string, string> | undefined;
  allowNonRestoredState?: boolean | undefined;
}

/**
 * Options of `client.upgrade()`. `entryClass`, `args` and `config` default to the previous run's
 * (an operator fed other arguments may not map to the savepoint's state).
 */
export interface UpgradeOptions
  extends Pick<RunOptions, 'entryClass' | 'args' | 'parallelism' | 'allowNonRestoredState' | 'claimMode' | 'config'> {
  /** The new version: a path, Buffer or stream to upload, or `{ id }` of an uploaded jar. Default: the previous jar (e.g. to rescale). */
  jar?: JarSource;
  /** File name for a Buffer or stream upload. */
  filename?: string;
  /**
   * How to restart the previous version for a rollback. Default: how this client started the job
   * (`submit`/`jars.run` remember it). `false` upgrades without a rollback.
   */
  previous?: PreviousRun | false;
  /** Savepoint directory. Default: the cluster's configured one. */
  targetDirectory?: string;
  /** @default 'CANONICAL' */
  formatType?: SavepointFormat;
  /** Check before stopping anything that the new parallelism fits the slots. @default true */
  checkSlots?: boolean;
  /** Keep the new jar even if the upgrade is rolled back. @default false */
  keepJar?: boolean;
  /** Deadline of each wait (savepoint, stop, new job RUNNING), in milliseconds. @default 300000 */
  waitTimeoutMs?: number;
  /** Cancels the waits; a rollback still runs if the old job was already stopped. */
  signal?: AbortSignal;
}

/** What `client.upgrade()` returns. */
export interface UpgradeResult {
  /** The job that was stopped. */
  previousJobId: string;
  /** The savepoint it was stopped with, which the new job restored from. */
  savepointPath: string;
  /** The new job. */
  jobId: string;
  /** The id the restored savepoint has in the new job's checkpoint statistics. */
  restoredCheckpointId: number;
  /** The jar the new job runs. */
  jarId: string;
}

/**
 * Longest pause of the workflow's waits. They start at a tenth of it and never pause longer than a
 * tenth of the time waited so far (the poller's pause ratio), so the workflow's own latency stays a
 * small share of Flink's time, however short the savepoint.
 */
const POLL_MS = 100;

/**
 * Stop with savepoint, start the new jar (or the same at a new parallelism) from it, wait until all
 * tasks run, confirm the restore from checkpoint statistics. If the new job does not come up, roll
 * back: start the previous version from the same savepoint and throw {@link FlinkUpgradeError}.
 */
export async function upgrade(deps: ClientParts, jobId: string, options: UpgradeOptions = {}): Promise<UpgradeResult> {
  checkId('jobId', jobId);
  if (options.parallelism !== undefined) checkParallelism(options.parallelism);
  const waitTimeoutMs = options.waitTimeoutMs ?? 300_000;
  const request = options.signal ? { signal: options.signal } : {};

  const recorded = deps.ctx.runs.get(jobId);
  const previous: PreviousRun | undefined =
    options.previous === false ? undefined : (options.previous ?? (recorded ? { ...recorded, jar: { id: recorded.jarId } } : undefined));
  if (options.previous !== false && previous === undefined) {
    throw new FlinkInputError(
      `upgrade needs to know how to restart job ${jobId} if the new version fails, and this client did not start it: pass previous: { jar, entryClass, args, parallelism }, or previous: false to upgrade without a rollback`,
    );
  }
  const newJar = options.jar ?? previous?.jar;
  if (newJar === undefined) throw new FlinkInputError('pass jar (the new version), or previous to run the same jar again');
  checkJarToRun(newJar);
  if (previous) checkJarToRun(previous.jar);

  // The job's parallelism, its live state and the cluster's slots, read together.
  const [old, state, capacity] = await Promise.all([
    deps.jobs.get(jobId, request),
    deps.jobs.status(jobId, request),
    options.checkSlots === false ? undefined : deps.cluster.capacity(request),
  ]);
  if (state !== 'RUNNING') throw new FlinkInputError(`job ${jobId} is ${state}; upgrade needs a RUNNING job`);
  const oldParallelism = Math.max(1, ...old.vertices.map((v) => v.parallelism));
  const parallelism = options.parallelism ?? previous?.parallelism ?? oldParallelism;

  if (capacity) {
    // The old job's slots come free when it stops (with slot sharing it holds its widest vertex's parallelism).
    InsufficientSlotsError.check(capacity, parallelism, oldParallelism);
  }

  // The new version runs with the previous entry class, arguments and config unless told otherwise.
  const run: RunOptions = {
    ...(previous ? pick(previous, ['entryClass', 'args', 'config']) : {}),
    ...pick(options, ['entryClass', 'args', 'allowNonRestoredState', 'claimMode', 'config']),
    parallelism,
  };
  // Check the run and upload first: bad options and a missing or broken file fail before anything is stopped.
  await runBody(deps.ctx, { ...run, ...request }, true);
  const { jarId, uploaded } = await jarToRun(deps.jars, newJar, {
    ...request,
    ...(options.filename ? { filename: options.filename } : {}),
  });
  const dropUpload = async () => {
    if (uploaded && !options.keepJar) await deps.jars.delete(jarId).catch(() => undefined);
  };
  if (run.entryClass === undefined) {
    // Flink would refuse the run only after the old job stopped: check the manifest names an entry class now.
    const jar = (await deps.jars.list(request)).find((j) => j.id === jarId);
    if (jar && jar.entryClasses.length === 0) {
      await dropUpload();
      throw new FlinkInputError(
        `the new jar ${jar.name} names no entry class in its manifest (Main-Class or program-class) and no entryClass was given: pass entryClass, or build the jar with a Main-Class. Job ${jobId} was not stopped.`,
      );
    }
  }

  let savepointPath: string;
  try {
    ({ savepointPath } = await stopWithSavepoint(
      deps.ctx,
      jobId,
      {
        ...(options.targetDirectory === undefined ? {} : { targetDirectory: options.targetDirectory }),
        ...(options.formatType === undefined ? {} : { formatType: options.formatType }),
        waitTimeoutMs,
        pollIntervalMs: POLL_MS,
        ...request,
      },
      true, // seen RUNNING just now
    ));
  } catch (error) {
    // FLINK-33522: the savepoint was written and only the stopping failed; carry on from it.
    if (!(error instanceof FlinkOperationError && error.savepointPath)) {
      await dropUpload();
      throw error; // the savepoint failed: the old job keeps running
    }
    savepointPath = error.savepointPath;
  }

  let newJobId: string | undefined;
  const checks = new AbortController(); // ends the restore check when the wait fails first
  const checkSignal = options.signal ? AbortSignal.any([options.signal, checks.signal]) : checks.signal;
  try {
    ({ jobId: newJobId } = await deps.jars.run(jarId, { ...run, savepointPath, ...request }));
    const wait = { waitTimeoutMs, pollIntervalMs: POLL_MS, ...request };
    // A job restores its state before it runs: once it does, confirm the restore while its tasks come up.
    await waitForJob(deps.ctx, newJobId, { until: 'RUNNING', allTasksRunning: false, ...wait });
    const restore = confirmRestore(deps.checkpoints, newJobId, savepointPath, checkSignal);
    restore.catch(() => undefined); // awaited below, unless the wait fails first
    await waitForJob(deps.ctx, newJobId, { until: 'RUNNING', ...wait });
    const restoredCheckpointId = await restore;
    return { previousJobId: jobId, savepointPath, jobId: newJobId, restoredCheckpointId, jarId };
  } catch (failure) {
    checks.abort();
    // PreviousRun.parallelism defaults to the stopped job's parallelism, not the cluster's default.
    const rollbackRun = previous && { ...previous, parallelism: previous.parallelism ?? oldParallelism };
    throw await rollback(deps, { jobId, savepointPath, newJobId, previous: rollbackRun, failure, dropUpload, waitTimeoutMs });
  }
}

/** Waits until the new job's statistics show a restore from `savepointPath`; returns that checkpoint's id. */
async function confirmRestore(
  checkpoints: CheckpointsResource,
  jobId: string,
  savepointPath: string,
  signal: AbortSignal | undefined,
): Promise<number> {
  return poll(
    async () => {
      const { latest } = await checkpoints.stats(jobId, signal ? { signal } : {});
      const restored = latest.restored;
      if (!restored) return { done: false, seen: 'no restore reported yet' };
      if (!samePath(restored.externalPath, savepointPath)) {
        throw new FlinkError(
          `job ${jobId} restored from ${restored.externalPath ?? 'an unknown path'}, not from the savepoint ${savepointPath}`,
        );
      }
      return { done: true, value: restored.checkpointId };
    },
    {
      what: `job ${jobId} to report its restore from ${savepointPath}`,
      waitTimeoutMs: 30_000,
      signal,
      minDelayMs: POLL_MS / 10,
      maxDelayMs: POLL_MS,
      pauseRatio: SDK_PAUSE_RATIO,
    },
  );
}

async function rollback(
  deps: ClientParts,
  s: {
    jobId: string;
    savepointPath: string;
    newJobId: string | undefined;
    previous: PreviousRun | undefined;
    failure: unknown;
    dropUpload: () => Promise<void>;
    waitTimeoutMs: number;
  },
): Promise<FlinkUpgradeError> {
  // No signal from here on: whatever the caller aborted, a stopped job must not stay down.
  if (s.newJobId) {
    await deps.jobs.cancel(s.newJobId).catch(() => undefined);
    await deps.jobs.waitFor(s.newJobId, { until: 'TERMINAL', waitTimeoutMs: 60_000, pollIntervalMs: POLL_MS }).catch(() => undefined);
  }
  await s.dropUpload();
  const what = s.failure instanceof Error ? s.failure.message : String(s.failure);
  const base = { previousJobId: s.jobId, savepointPath: s.savepointPath, failedJobId: s.newJobId, cause: s.failure };
  if (!s.previous) {
    return new FlinkUpgradeError(
      `upgrade of job ${s.jobId} failed: ${what}. No rollback ran (previous: false), so no version of the job runs now; start one from the savepoint ${s.savepointPath}`,
      { ...base, rolledBack: false },
    );
  }
  try {
    const prev = s.previous;
    const { jarId } = await jarToRun(deps.jars, prev.jar);
    const { jobId: rollbackJobId } = await deps.jars.run(jarId, {
      ...pick(prev, ['entryClass', 'args', 'parallelism', 'config', 'allowNonRestoredState']),
      savepointPath: s.savepointPath,
    });
    await deps.jobs.waitFor(rollbackJobId, { until: 'RUNNING', waitTimeoutMs: s.waitTimeoutMs, pollIntervalMs: POLL_MS });
    return new FlinkUpgradeError(
      `upgrade of job ${s.jobId} failed: ${what}. Rolled back: the previous version runs again as job ${rollbackJobId}, restored from the savepoint ${s.savepointPath}`,
      { ...base, rolledBack: true, rollbackJobId },
    );
  } catch (rollbackError) {
    const why = rollbackError instanceof Error ? rollbackError.message : String(rollbackError);
    return new FlinkUpgradeError(
      `upgrade of job ${s.jobId} failed: ${what}. The rollback failed too (${why}), so no version of the job runs now; start one from the savepoint ${s.savepointPath}`,
      { ...base, rolledBack: false },
    );
  }
}

/** `file:/a/b`, `file:///a/b/` and `/a/b` name the same place. */
function samePath(a: string | undefined, b: string): boolean {
  const norm = (p: string) => p.replace(/^file:\/*/, '/').replace(/\/+$/, '');
  return a !== undefined && norm(a) === norm(b);
}

/** The defined values of some keys (exactOptionalPropertyTypes: never pass `undefined` on). */
function pick<T extends object, K extends keyof T>(from: T, keys: readonly K[]): { [P in K]?: Exclude<T[P], undefined> } {
  const out: { [P in K]?: Exclude<T[P], undefined> } = {};
  for (const key of keys) if (from[key] !== undefined) out[key] = from[key] as Exclude<T[K], undefined>;
  return out;
}
