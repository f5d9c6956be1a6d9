import type { RequestOptions } from '../options.js';
import type { ClusterResource } from '../resources/cluster.js';
import type { JobsResource } from '../resources/jobs.js';
import type { Overview } from '../schemas/cluster.js';
import { waitingTasks } from '../schemas/job-states.js';
import type { JobSummary } from '../schemas/jobs.js';

/** The outcome of one check. */
export type CheckStatus = 'pass' | 'warn' | 'fail';

/** One check of {@link doctor}: what was found and, unless it passed, the one-line fix. */
export interface DoctorCheck {
  /** Stable id, e.g. `rest`, `taskmanagers`, `slots`, `checkpoint-dir`, `savepoint-dir`, `jobs`, `job:<id>`, `health:<id>`. */
  id: string;
  status: CheckStatus;
  /** What was found, one line. */
  summary: string;
  /** What to do about it, one line (absent when it passed). */
  fix?: string;
}

/** What {@link doctor} found. */
export interface DoctorReport {
  /** No check failed (warnings allowed). */
  ok: boolean;
  /** The REST URL checked. */
  url: string;
  /** The Flink version, when the REST endpoint answered. */
  flinkVersion: string | undefined;
  checks: DoctorCheck[];
}

/** The resources the checks read. */
export interface DoctorDeps {
  readonly url: string;
  cluster: ClusterResource;
  jobs: JobsResource;
}

/** What a section of checks gets: the client's resources and what the REST checks already read. */
export interface DoctorContext {
  deps: DoctorDeps;
  /** `/overview`, read by the REST check; `undefined` when the REST endpoint did not answer. */
  overview: Overview | undefined;
  /** The JobManager configuration, when it could be read. */
  config: Record<string, string> | undefined;
  request: RequestOptions;
}

/**
 * A pluggable group of checks (e.g. Kubernetes: TaskManager pods vs registered TaskManagers), run
 * after the built-in checks, also when the REST endpoint did not answer (then `overview` is undefined):
 * a section may find out why.
 */
export type DoctorSection = (context: DoctorContext) => Promise<DoctorCheck[]>;

/** Options of {@link doctor}. */
export interface DoctorOptions {
  /** More checks to run after the built-in ones (a Kubernetes section, your own). */
  sections?: readonly DoctorSection[];
  /** Cancels the checks. */
  signal?: AbortSignal;
}

const CHECKPOINT_DIR_KEYS = ['execution.checkpointing.dir', 'state.checkpoints.dir'];
const SAVEPOINT_DIR_KEYS = ['execution.checkpointing.savepoint-dir', 'state.savepoints.dir'];
const TROUBLED = new Set(['FAILING', 'RESTARTING']);

/**
 * Checks a Flink cluster the way one does by hand after deploying it: REST reachable and its version;
 * TaskManagers registered; total and free slots and the largest parallelism that fits now;
 * checkpoint and savepoint directories configured (1.19+ and older key names); jobs failing or
 * restarting, with their root cause; each running job's health (`jobs.health()`: healthy passes,
 * degraded warns, unhealthy fails). Each check passes, warns or fails with a one-line fix. Never
 * throws for what it finds (an unreachable endpoint is a failed check).
 * @example
 * ```ts
 * import { doctor, FlinkClient } from 'flink-kit';
 * const report = await doctor(new FlinkClient({ url: 'http://jobmanager:8081' }));
 * for (const c of report.checks) console.log(c.status, c.summary, c.fix ?? '');
 * if (!report.ok) process.exitCode = 1;
 * ```
 */
export async function doctor(deps: DoctorDeps, options: DoctorOptions = {}): Promise<DoctorReport> {
  const request: RequestOptions = options.signal ? { signal: options.signal } : {};
  const checks: DoctorCheck[] = [];
  const report = async (context: Pick<DoctorContext, 'overview' | 'config'>): Promise<DoctorReport> => {
    for (const section of options.sections ?? []) checks.push(...(await section({ deps, request, ...context })));
    return { ok: checks.every((c) => c.status !== 'fail'), url: deps.url, flinkVersion, checks };
  };
  let flinkVersion: string | undefined;

  let overview: Overview;
  try {
    overview = await deps.cluster.overview({ ...request, retry: { retries: 1 } });
  } catch (error) {
    options.signal?.throwIfAborted();
    checks.push({
      id: 'rest',
      status: 'fail',
      summary: `the REST endpoint at ${deps.url} does not work: ${(error as Error).message}`,
      fix: "point the client at the JobManager's REST port (rest.port, 8081 by default; 6123 is RPC) and check that it runs",
    });
    return report({ overview: undefined, config: undefined });
  }
  flinkVersion = overview.flinkVersion;
  checks.push({ id: 'rest', status: 'pass', summary: `REST endpoint answers at ${deps.url}: Flink ${overview.flinkVersion}` });

  checks.push(
    overview.taskManagers > 0
      ? {
          id: 'taskmanagers',
          status: 'pass',
          summary: `${overview.taskManagers} TaskManager${overview.taskManagers === 1 ? '' : 's'} registered`,
        }
      : {
          id: 'taskmanagers',
          status: 'fail',
          summary: 'no TaskManager is registered: no job can run',
          fix: 'start TaskManagers, and check their logs: they must reach jobmanager.rpc.address:jobmanager.rpc.port (a wrong address is the classic mistake)',
        },
  );
  if (overview.taskManagers > 0) checks.push(slotsCheck(overview));

  const config = await deps.cluster.jobManagerConfig(request).catch(() => undefined);
  if (config) {
    checks.push(
      dirCheck(
        config,
        'checkpoint-dir',
        CHECKPOINT_DIR_KEYS,
        'checkpoint directory',
        'jobs keep no checkpoints that survive a JobManager restart',
      ),
      dirCheck(config, 'savepoint-dir', SAVEPOINT_DIR_KEYS, 'savepoint directory', 'every savepoint and stop must name a directory'),
    );
  } else {
    checks.push({
      id: 'config',
      status: 'warn',
      summary: 'could not read the JobManager configuration (/jobmanager/config)',
      fix: 'check that the REST endpoint is not behind a proxy that blocks it',
    });
  }

  checks.push(...(await jobChecks(deps, request)));
  return report({ overview, config });
}

function slotsCheck(o: Overview): DoctorCheck {
  const summary = `${o.slotsTotal} slots, ${o.slotsAvailable} free: parallelism up to ${o.slotsAvailable} fits now`;
  if (o.slotsTotal === 0)
    return {
      id: 'slots',
      status: 'fail',
      summary: 'the TaskManagers offer no slots',
      fix: 'set taskmanager.numberOfTaskSlots to 1 or more',
    };
  if (o.slotsAvailable === 0)
    return {
      id: 'slots',
      status: 'warn',
      summary: `all ${o.slotsTotal} slots are taken: a new job waits for slots`,
      fix: 'add TaskManagers or slots (taskmanager.numberOfTaskSlots), or stop a job',
    };
  return { id: 'slots', status: 'pass', summary };
}

function dirCheck(config: Record<string, string>, id: string, keys: string[], what: string, consequence: string): DoctorCheck {
  const key = keys.find((k) => config[k]);
  if (key) return { id, status: 'pass', summary: `${what}: ${config[key]} (${key})` };
  return {
    id,
    status: 'warn',
    summary: `no ${what} is configured: ${consequence}`,
    fix: `set ${keys[0]} (Flink 1.19+; ${keys[1]} before) to a durable location such as s3://bucket/${id.replace('-dir', 's')}`,
  };
}

async function jobChecks(deps: DoctorDeps, request: RequestOptions): Promise<DoctorCheck[]> {
  let jobs: JobSummary[];
  try {
    jobs = await deps.jobs.list(request);
  } catch (error) {
    return [{ id: 'jobs', status: 'warn', summary: `could not list jobs: ${(error as Error).message}` }];
  }
  const checks: DoctorCheck[] = [];
  for (const job of jobs) {
    const waiting = waitingTasks(job.tasks);
    if (TROUBLED.has(job.state) || (job.state === 'FAILED' && Date.now() - (job.endTime ?? 0) < 3_600_000)) {
      const cause = (await deps.jobs.exceptions(job.id, request).catch(() => undefined))?.rootCause;
      checks.push({
        id: `job:${job.id}`,
        status: job.state === 'FAILED' ? 'warn' : 'fail',
        summary: `job ${job.id} (${job.name}) is ${job.state}${cause ? `: ${cause}` : ''}`,
        fix: `see \`flink-kit exceptions ${job.id}\`; fix the cause, then restart it from its latest checkpoint or savepoint`,
      });
    } else if (job.state === 'RUNNING' && waiting.length > 0) {
      checks.push({
        id: `job:${job.id}`,
        status: 'warn',
        summary: `job ${job.id} (${job.name}) is RUNNING but ${waiting.map(([s, n]) => `${n} tasks ${s}`).join(', ')}`,
        fix: 'tasks that stay CREATED or SCHEDULED wait for slots: add TaskManagers or lower its parallelism',
      });
    }
  }
  const running = jobs.filter((j) => j.state === 'RUNNING').length;
  if (checks.length === 0)
    checks.push({ id: 'jobs', status: 'pass', summary: `${running} job${running === 1 ? '' : 's'} running, none failing or restarting` });
  for (const job of jobs.filter((j) => j.state === 'RUNNING')) checks.push(await healthCheck(deps, job, request));
  return checks;
}

const HEALTH_CHECK = { healthy: 'pass', degraded: 'warn', unhealthy: 'fail' } as const;

/** A running job's health as a check: healthy passes, degraded warns, unhealthy fails; the worst reason is the summary. */
async function healthCheck(deps: DoctorDeps, job: JobSummary, request: RequestOptions): Promise<DoctorCheck> {
  const id = `health:${job.id}`;
  try {
    const health = await deps.jobs.health(job.id, { ...request, exceptions: 1 });
    const worst = health.reasons[0];
    const more = health.reasons.length > 1 ? ` (+${health.reasons.length - 1} more)` : '';
    if (!worst) return { id, status: 'pass', summary: `job ${job.id} (${job.name}) is healthy` };
    return {
      id,
      status: HEALTH_CHECK[health.status],
      summary: `job ${job.id} (${job.name}) is ${health.status}: ${worst.code} ${worst.message}${more}`,
      fix: `see \`flink-kit health ${job.id}\` for every reason and the vertices`,
    };
  } catch (error) {
    request.signal?.throwIfAborted();
    return { id, status: 'warn', summary: `could not read the health of job ${job.id} (${job.name}): ${(error as Error).message}` };
  }
}
