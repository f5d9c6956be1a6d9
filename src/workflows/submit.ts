import { checkParallelism } from '../core/jar-input.js';
import { type RunOptions, runBody } from '../core/run-body.js';
import { InsufficientSlotsError } from '../errors/domain-errors.js';
import type { RequestOptions } from '../options.js';
import type { JobDetails, JobState } from '../schemas/jobs.js';
import type { UploadProgress } from '../transport/multipart.js';
import type { ClientParts } from './client-parts.js';
import { checkJarToRun, type JarSource, jarToRun } from './jar-source.js';

/** Options of `client.submit()`: upload (or reuse) a jar, check capacity, run, wait. */
export interface SubmitOptions extends Omit<RunOptions, 'signal' | 'timeoutMs' | 'retry' | 'headers'> {
  /** The jar: a path, Buffer or stream to upload, or `{ id }` of a jar already uploaded. */
  jar: JarSource;
  /** File name for uploads from a Buffer or stream. */
  filename?: string;
  /**
   * What to wait for: `SUBMITTED` (don't wait), `RUNNING` (all tasks running; a bounded job that already
   * FINISHED counts too, see `state`) or `FINISHED`. @default 'RUNNING'
   */
  until?: 'SUBMITTED' | 'RUNNING' | 'FINISHED';
  /** Check the parallelism against free slots before anything is uploaded or run. @default true */
  checkSlots?: boolean;
  /** Keep the uploaded jar even when the run fails. @default false */
  keepJar?: boolean;
  /** Upload progress. */
  onProgress?: (progress: UploadProgress) => void;
  /** Deadline of the wait, in milliseconds. @default 300000 */
  waitTimeoutMs?: number;
  /** Cancels the whole workflow. */
  signal?: AbortSignal;
}

/** What `client.submit()` returns. */
export interface SubmitResult {
  jobId: string;
  /** The jar that was run (uploaded now or given). */
  jarId: string;
  /** The job's state when the workflow returned. */
  state: JobState;
  /** The job as last seen (absent with `until: 'SUBMITTED'`). */
  job: JobDetails | undefined;
}

/**
 * Upload + preflight + run + wait. Bad input and too little capacity are reported before anything is
 * uploaded; a jar uploaded here is deleted again when the run or the wait fails (unless `keepJar`).
 */
export async function submit(deps: ClientParts, options: SubmitOptions): Promise<SubmitResult> {
  const request: RequestOptions = options.signal ? { signal: options.signal } : {};
  checkJarToRun(options.jar);
  if (options.parallelism !== undefined) checkParallelism(options.parallelism);
  if (options.parallelism !== undefined && options.checkSlots !== false) {
    InsufficientSlotsError.check(await deps.cluster.capacity(request), options.parallelism);
  }
  const {
    jar: _jar,
    filename: _f,
    until: _u,
    checkSlots: _c,
    keepJar: _k,
    onProgress: _p,
    waitTimeoutMs: _t,
    signal: _s,
    ...run
  } = options;
  await runBody(deps.ctx, { ...run, ...request }, true);
  const { jarId, uploaded } = await jarToRun(deps.jars, options.jar, {
    ...request,
    ...(options.filename ? { filename: options.filename } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  try {
    const { jobId } = await deps.jars.run(jarId, { ...run, ...request });
    const until = options.until ?? 'RUNNING';
    if (until === 'SUBMITTED') return { jobId, jarId, state: await deps.jobs.status(jobId, request), job: undefined };
    const job = await deps.jobs.waitFor(jobId, {
      until,
      ...(options.waitTimeoutMs === undefined ? {} : { waitTimeoutMs: options.waitTimeoutMs }),
      ...request,
    });
    return { jobId, jarId, state: job.state, job };
  } catch (error) {
    if (uploaded && !options.keepJar) await deps.jars.delete(jarId).catch(() => undefined);
    throw error;
  }
}
