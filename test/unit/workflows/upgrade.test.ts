import { describe, expect, it } from 'vitest';
import { clientParts, type FlinkClient } from '../../../src/client.js';
import { FlinkApiError } from '../../../src/errors/api-errors.js';
import { FlinkOperationError, FlinkUpgradeError, InsufficientSlotsError } from '../../../src/errors/domain-errors.js';
import { FlinkInputError } from '../../../src/errors/flink-error.js';
import { FlinkTimeoutError } from '../../../src/errors/transport-errors.js';
import { caught } from '../../fakes/caught.js';
import {
  CLASS_NOT_FOUND_TRACE,
  checkpointStats,
  internalServerError,
  JAR_ID,
  JOB_ID,
  jarListReply,
  jarUploadReply,
  jobDetails,
  jobExceptions,
  jobsOverviewReply,
  MKDIRS_TRACE,
  operationFailed,
  operationInProgress,
  restoredEntry,
  SAVEPOINT_PATH,
  savepointCompleted,
  stopFailedAfterSavepointTrace,
  taskManagers,
  triggerReply,
  vertex,
  ZIP_BYTES,
} from '../../fakes/flink-replies.js';
import { fakeClient, route, simulated, useFakeFlink } from '../../fakes/mock-flink.js';

const flink = useFakeFlink();

/** The jar the running job was started from. */
const OLD_JAR = '7c0ffee0-1111-4222-8333-444455556666_app-v1.jar';
/** The jar an upload of the new version gets. */
const NEW_JAR = JAR_ID;

/** How the run of a jar turns out on the fake cluster. */
type RunOutcome =
  | 'runs' // RUNNING with all tasks, restores from the savepoint it was given
  | 'run-fails' // main() fails: 500 ClassNotFoundException
  | 'job-fails' // INITIALIZING, then FAILED
  | 'restores-elsewhere' // RUNNING, but the statistics show a restore from another path
  | 'restore-reported-late' // RUNNING; the first statistics show no restore yet
  | 'never-runs'; // stays INITIALIZING

/** How the stop-with-savepoint of the old job turns out. */
type StopOutcome = 'ok' | 'savepoint-fails' | 'written-then-job-fails';

interface FakeJob {
  /** States shown by GET /jobs/:id, one per look, the last repeated. */
  states: string[];
  parallelism: number;
  jarId: string;
  savepointPath: string | undefined;
  outcome: RunOutcome;
  /** Called at each GET /jobs/:id (lets a test act at a given moment). */
  onLook?: () => void;
}

interface FakeCluster {
  jobs: Map<string, FakeJob>;
  /** Every run: the jar and the body sent. */
  runs: Array<{ jarId: string; body: Record<string, unknown> }>;
  /** Every stop body. */
  stops: Array<Record<string, unknown>>;
  /** Outcome of a run, per jar id (default 'runs'); change it at any time. */
  outcomes: Record<string, RunOutcome>;
  stop: StopOutcome;
  /** Free slots (of 2 TaskManagers x 2); the old job holds 2. */
  freeSlots: number;
  /** Entry classes of each jar's manifest (default: com.acme.Main). */
  entryClasses: Record<string, readonly string[]>;
  /** Jars deleted. */
  deleted: string[];
}

const WRITTEN_BEFORE_FAILURE = 'file:/sp/savepoint-1';

/**
 * A whole fake cluster in closures: TaskManagers, jars, jobs with their states, stop-with-savepoint,
 * checkpoint statistics. Runs create jobs; cancels end them; the old job JOB_ID runs OLD_JAR at parallelism 2.
 */
function fakeCluster(): FakeCluster {
  const cluster: FakeCluster = {
    jobs: new Map(),
    runs: [],
    stops: [],
    outcomes: {},
    stop: 'ok',
    freeSlots: 2,
    entryClasses: { [OLD_JAR]: ['com.acme.Main'], [NEW_JAR]: ['com.acme.Main'] },
    deleted: [],
  };
  cluster.jobs.set(JOB_ID, { states: ['RUNNING'], parallelism: 2, jarId: OLD_JAR, savepointPath: undefined, outcome: 'runs' });
  let savepointLooks = 0;
  let lateLooks = 0;
  const job = (id: unknown) => cluster.jobs.get(String(id));
  const details = (jobId: string, state: string) => {
    const j = cluster.jobs.get(jobId) as FakeJob;
    const taskState = state === 'INITIALIZING' ? 'CREATED' : state;
    const vertices = [
      vertex('Source: numbers', taskState, { parallelism: j.parallelism }),
      vertex('Map', taskState, { parallelism: j.parallelism }),
    ];
    return jobDetails(state, vertices, jobId);
  };
  const look = (j: FakeJob) => {
    j.onLook?.();
    const state = j.states[0] as string;
    if (j.states.length > 1) j.states.shift();
    return state;
  };
  flink.use(
    ...simulated(
      route.get('/taskmanagers', () => Response.json(taskManagers(2, 2, cluster.freeSlots / 2))),
      route.post('/jars/upload', () => Response.json(jarUploadReply(NEW_JAR))),
      route.get('/jars', () => Response.json(jarListReply(cluster.entryClasses))),
      route.delete('/jars/:jarId', ({ params }) => {
        cluster.deleted.push(String(params['jarId']));
        return new Response(null, { status: 200 });
      }),
      route.post('/jars/:jarId/run', async ({ params, request }) => {
        const jarId = String(params['jarId']);
        const body = (await request.json()) as Record<string, unknown>;
        cluster.runs.push({ jarId, body });
        const outcome = cluster.outcomes[jarId] ?? 'runs';
        if (outcome === 'run-fails') return Response.json(internalServerError(CLASS_NOT_FOUND_TRACE), { status: 500 });
        const jobId = String(body['jobId']);
        cluster.jobs.set(jobId, {
          states: outcome === 'job-fails' ? ['INITIALIZING', 'FAILED'] : outcome === 'never-runs' ? ['INITIALIZING'] : ['RUNNING'],
          parallelism: (body['parallelism'] as number | undefined) ?? 1,
          jarId,
          savepointPath: body['savepointPath'] as string | undefined,
          outcome,
        });
        return Response.json({ jobid: jobId });
      }),
      // waitFor may poll either route: each look at a job (details, or the overview listing it) advances its states.
      route.get('/jobs/overview', () => Response.json(jobsOverviewReply(...[...cluster.jobs].map(([id, j]) => details(id, look(j)))))),
      route.get('/jobs/:jobId', ({ params }) => {
        const j = job(params['jobId']);
        if (!j) return Response.json({ errors: ['Job could not be found.'] }, { status: 404 });
        return Response.json(details(String(params['jobId']), look(j)));
      }),
      route.get('/jobs/:jobId/status', ({ params }) => Response.json({ status: job(params['jobId'])?.states[0] ?? 'RUNNING' })),
      route.get('/jobs/:jobId/exceptions', () => Response.json(jobExceptions())),
      route.patch('/jobs/:jobId', ({ params }) => {
        const j = job(params['jobId']);
        if (!j) return Response.json({ errors: ['Job could not be found.'] }, { status: 404 });
        if (['FAILED', 'FINISHED', 'CANCELED'].includes(j.states.at(-1) as string)) {
          return Response.json({ errors: ['Job cancellation failed: job is in a terminal state.'] }, { status: 409 });
        }
        j.states = ['CANCELED'];
        return new Response(null, { status: 202 });
      }),
      route.post('/jobs/:jobId/stop', async ({ request }) => {
        const body = (await request.json()) as Record<string, unknown>;
        cluster.stops.push(body);
        return Response.json(triggerReply(String(body['triggerId'])), { status: 202 });
      }),
      route.get('/jobs/:jobId/savepoints/:triggerId', ({ params }) => {
        if (++savepointLooks === 1) return Response.json(operationInProgress());
        const old = job(params['jobId']) as FakeJob;
        if (cluster.stop === 'savepoint-fails') return Response.json(operationFailed(MKDIRS_TRACE));
        if (cluster.stop === 'written-then-job-fails') {
          old.states = ['FAILED'];
          return Response.json(operationFailed(stopFailedAfterSavepointTrace(JOB_ID, WRITTEN_BEFORE_FAILURE)));
        }
        old.states = ['FINISHED'];
        return Response.json(savepointCompleted(SAVEPOINT_PATH));
      }),
      route.get('/jobs/:jobId/checkpoints', ({ params }) => {
        const j = job(params['jobId']);
        if (!j?.savepointPath) return Response.json(checkpointStats([]));
        if (j.outcome === 'restore-reported-late' && ++lateLooks === 1) return Response.json(checkpointStats([]));
        // Flink may spell the same place file:/… or file:///…
        const restoredFrom =
          j.outcome === 'restores-elsewhere'
            ? 'file:/tmp/x/checkpoints/other/chk-3'
            : j.savepointPath.replace(/^file:\/(?!\/)/, 'file:///');
        return Response.json(checkpointStats([], { restored: restoredEntry(7, restoredFrom) }));
      }),
    ),
  );
  return cluster;
}

/** A client that started JOB_ID itself (so it knows how to roll back), with the logs cleared afterwards. */
async function clientThatStartedTheJob(cluster: FakeCluster): Promise<FlinkClient> {
  const client = fakeClient();
  await client.jars.run(OLD_JAR, { jobId: JOB_ID, parallelism: 2, entryClass: 'com.acme.Main', args: ['--version', '1'] });
  cluster.runs.length = 0;
  flink.requests.length = 0;
  return client;
}

/** Calls with JOB_ID shown as <old> and every other 32-hex id as <id>. */
const calls = () => flink.calls().map((c) => c.replaceAll(JOB_ID, '<old>').replace(/[0-9a-f]{32}/g, '<id>'));

/** {@link calls} with each run of looks at a job's state (details or overview, however waitFor polls) collapsed into one `LOOK`. */
const collapsedCalls = () =>
  calls()
    .map((c) => (c === 'GET /v1/jobs/overview' || c === 'GET /v1/jobs/<old>' || c === 'GET /v1/jobs/<id>' ? 'LOOK' : c))
    .filter((c, i, all) => c !== 'LOOK' || all[i - 1] !== 'LOOK');

describe('upgrade: the happy path', () => {
  it('stops with a savepoint, runs the new jar from it at the new parallelism, waits for RUNNING and confirms the restore', async () => {
    const cluster = fakeCluster();
    const client = await clientThatStartedTheJob(cluster);
    const result = await client.upgrade(JOB_ID, { jar: ZIP_BYTES, parallelism: 3, targetDirectory: 'file:///sp' });
    expect(result).toEqual({
      previousJobId: JOB_ID,
      savepointPath: SAVEPOINT_PATH,
      jobId: expect.stringMatching(/^[0-9a-f]{32}$/),
      restoredCheckpointId: 7, // the restore reported file:///tmp/… for file:/tmp/…: the same place
      jarId: NEW_JAR,
    });
    expect(result.jobId).not.toBe(JOB_ID);
    expect(cluster.stops).toEqual([{ targetDirectory: 'file:///sp', drain: false, triggerId: expect.stringMatching(/^[0-9a-f]{32}$/) }]);
    expect(cluster.runs).toHaveLength(1);
    expect(cluster.runs[0]).toMatchObject({ jarId: NEW_JAR, body: { parallelism: 3, savepointPath: SAVEPOINT_PATH, jobId: result.jobId } });
    const all = collapsedCalls();
    // The old job's parallelism, its live state and the free slots, read together.
    expect(all.slice(0, 3).sort()).toEqual(['GET /v1/jobs/<old>/status', 'GET /v1/taskmanagers', 'LOOK']);
    expect(all.slice(3, 9)).toEqual([
      'POST /v1/jars/upload',
      'POST /v1/jobs/<old>/stop',
      'GET /v1/jobs/<old>/savepoints/<id>',
      'GET /v1/jobs/<old>/savepoints/<id>',
      'LOOK', // the old job FINISHED
      `POST /v1/jars/${NEW_JAR}/run`,
    ]);
    // Then looks until the new job runs with all its tasks, and the restore check once it runs at all.
    expect(all.slice(9).filter((c) => c !== 'LOOK')).toEqual(['GET /v1/jobs/<id>/checkpoints']);
    expect(all.slice(9)[0]).toBe('LOOK');
    // The new job is remembered, so it can be upgraded (and rolled back) in turn.
    expect(clientParts(client).ctx.runs.get(result.jobId)).toMatchObject({ jarId: NEW_JAR, parallelism: 3 });
  });

  it('rescaling (no jar) runs the previous jar again with its entry class and arguments, uploading nothing', async () => {
    const cluster = fakeCluster();
    const client = await clientThatStartedTheJob(cluster);
    const result = await client.upgrade(JOB_ID, { parallelism: 4 });
    expect(result.jarId).toBe(OLD_JAR);
    expect(cluster.runs).toEqual([
      {
        jarId: OLD_JAR,
        body: {
          entryClass: 'com.acme.Main',
          programArgsList: ['--version', '1'],
          parallelism: 4,
          savepointPath: SAVEPOINT_PATH,
          jobId: result.jobId,
        },
      },
    ]);
    expect(calls()).not.toContain('POST /v1/jars/upload');
  });

  it('waits for the restore to show in the statistics', async () => {
    const cluster = fakeCluster();
    cluster.outcomes[NEW_JAR] = 'restore-reported-late';
    const client = await clientThatStartedTheJob(cluster);
    const result = await client.upgrade(JOB_ID, { jar: { id: NEW_JAR } });
    expect(result.restoredCheckpointId).toBe(7);
    expect(calls().filter((c) => c === 'GET /v1/jobs/<id>/checkpoints')).toHaveLength(2);
  });

  it('entryClass and args given for the new version are sent as given', async () => {
    const cluster = fakeCluster();
    const client = await clientThatStartedTheJob(cluster);
    await client.upgrade(JOB_ID, {
      jar: { id: NEW_JAR },
      entryClass: 'com.acme.v2.Main',
      args: ['--version', '2'],
      allowNonRestoredState: true,
    });
    expect(cluster.runs[0]?.body).toMatchObject({
      entryClass: 'com.acme.v2.Main',
      programArgsList: ['--version', '2'],
      allowNonRestoredState: true,
      parallelism: 2, // the old job's
    });
  });

  it('a savepoint written before the old job failed while stopping (FLINK-33522) is used', async () => {
    const cluster = fakeCluster();
    cluster.stop = 'written-then-job-fails';
    const client = await clientThatStartedTheJob(cluster);
    const result = await client.upgrade(JOB_ID, { jar: { id: NEW_JAR } });
    expect(result.savepointPath).toBe(WRITTEN_BEFORE_FAILURE);
    expect(cluster.runs[0]?.body).toMatchObject({ savepointPath: WRITTEN_BEFORE_FAILURE, parallelism: 2 });
  });
});

describe('upgrade: refused before anything is stopped', () => {
  it('a parallelism that needs more slots than come free is an InsufficientSlotsError; nothing is uploaded or stopped', async () => {
    const cluster = fakeCluster();
    const client = await clientThatStartedTheJob(cluster);
    const error = await caught(client.upgrade(JOB_ID, { jar: ZIP_BYTES, parallelism: 5 }), InsufficientSlotsError);
    expect(error).toMatchObject({ requested: 5, available: 4, total: 4, taskManagers: 2 });
    expect(error.message).toContain('parallelism 5 needs 5 slots');
    expect(calls().sort()).toEqual(['GET /v1/jobs/<old>', 'GET /v1/jobs/<old>/status', 'GET /v1/taskmanagers']);
    expect(cluster.stops).toHaveLength(0);
  });

  it.each([
    [2, true],
    [3, false],
  ])('with no free slot, the 2 slots the old job frees fit a parallelism of %s: %s', async (parallelism, fits) => {
    const cluster = fakeCluster();
    cluster.freeSlots = 0; // the old job and another one hold all 4
    const client = await clientThatStartedTheJob(cluster);
    const upgrading = client.upgrade(JOB_ID, { jar: { id: NEW_JAR }, parallelism });
    if (fits) await expect(upgrading).resolves.toMatchObject({ jarId: NEW_JAR });
    else await expect(upgrading).rejects.toBeInstanceOf(InsufficientSlotsError);
  });

  it('checkSlots: false skips the capacity check', async () => {
    const cluster = fakeCluster();
    const client = await clientThatStartedTheJob(cluster);
    await client.upgrade(JOB_ID, { jar: { id: NEW_JAR }, parallelism: 8, checkSlots: false });
    expect(calls()).not.toContain('GET /v1/taskmanagers');
    expect(cluster.runs[0]?.body['parallelism']).toBe(8);
  });

  it('an old job that is not RUNNING is a FlinkInputError', async () => {
    const cluster = fakeCluster();
    const client = await clientThatStartedTheJob(cluster);
    (cluster.jobs.get(JOB_ID) as FakeJob).states = ['RESTARTING'];
    const error = await caught(client.upgrade(JOB_ID, { jar: ZIP_BYTES }), FlinkInputError);
    expect(error.message).toBe(`job ${JOB_ID} is RESTARTING; upgrade needs a RUNNING job`);
    // The live state decides (job details may be cached for 3 s); nothing stopped, nothing uploaded.
    expect(calls().sort()).toEqual(['GET /v1/jobs/<old>', 'GET /v1/jobs/<old>/status', 'GET /v1/taskmanagers']);
  });

  it('a job this client did not start, without previous, is a FlinkInputError that offers previous: false', async () => {
    const cluster = fakeCluster();
    await clientThatStartedTheJob(cluster);
    const stranger = fakeClient();
    const error = await caught(stranger.upgrade(JOB_ID, { jar: ZIP_BYTES }), FlinkInputError);
    expect(error.message).toContain('this client did not start it');
    expect(error.message).toContain('previous: false');
    expect(calls()).toEqual([]); // caught before any request
  });

  it('a bad parallelism or job id is a FlinkInputError before any request', async () => {
    const client = fakeClient();
    await caught(client.upgrade(JOB_ID, { parallelism: 0 }), FlinkInputError);
    await caught(client.upgrade('0123', {}), FlinkInputError);
    expect(flink.requests).toHaveLength(0);
  });

  it('a new jar whose manifest names no entry class, without entryClass, is a FlinkInputError: the upload is deleted, nothing stopped', async () => {
    const cluster = fakeCluster();
    cluster.entryClasses[NEW_JAR] = [];
    const error = await caught(fakeClient().upgrade(JOB_ID, { jar: ZIP_BYTES, previous: false }), FlinkInputError);
    expect(error.message).toMatch(/names no entry class in its manifest.*pass entryClass.*was not stopped/);
    expect(cluster.stops).toEqual([]);
    expect(cluster.runs).toEqual([]);
    expect(cluster.deleted).toEqual([NEW_JAR]);
  });

  it('a failed upload stops nothing', async () => {
    const cluster = fakeCluster();
    const client = await clientThatStartedTheJob(cluster);
    flink.use(route.post('/jars/upload', () => Response.json({ errors: ['Only Jar files are allowed.'] }, { status: 400 })));
    await caught(client.upgrade(JOB_ID, { jar: ZIP_BYTES }), FlinkApiError);
    expect(cluster.stops).toHaveLength(0);
    expect(calls().slice(0, 3).sort()).toEqual(['GET /v1/jobs/<old>', 'GET /v1/jobs/<old>/status', 'GET /v1/taskmanagers']);
    expect(calls().slice(3)).toEqual(['POST /v1/jars/upload']);
  });

  it('a failed savepoint is a FlinkOperationError: no run is attempted and the uploaded jar is deleted', async () => {
    const cluster = fakeCluster();
    cluster.stop = 'savepoint-fails';
    const client = await clientThatStartedTheJob(cluster);
    const error = await caught(client.upgrade(JOB_ID, { jar: ZIP_BYTES }), FlinkOperationError);
    expect(error.operation).toBe('stop');
    expect(error.savepointPath).toBeUndefined();
    expect(error.message).toContain('IOException: Mkdirs failed to create /proc/nope');
    expect(cluster.runs).toHaveLength(0);
    expect(calls()).toContain(`DELETE /v1/jars/${NEW_JAR}`);
    expect(calls().filter((c) => c.endsWith('/run'))).toEqual([]);
  });
});

describe('upgrade: rollback', () => {
  it('a new jar whose run fails (500 ClassNotFoundException): the previous jar runs again from the same savepoint', async () => {
    const cluster = fakeCluster();
    cluster.outcomes[NEW_JAR] = 'run-fails';
    const client = await clientThatStartedTheJob(cluster);
    const error = await caught(client.upgrade(JOB_ID, { jar: ZIP_BYTES, parallelism: 3 }), FlinkUpgradeError);
    expect(error.rolledBack).toBe(true);
    expect(error.previousJobId).toBe(JOB_ID);
    expect(error.savepointPath).toBe(SAVEPOINT_PATH);
    expect(error.failedJobId).toBeUndefined();
    expect(error.rollbackJobId).toMatch(/^[0-9a-f]{32}$/);
    expect(error.cause).toBeInstanceOf(FlinkApiError);
    expect(error.message).toContain('Rolled back');
    expect(error.message).toContain('ClassNotFoundException: com.acme.Main');
    expect(error.message).toContain(`as job ${error.rollbackJobId}`);
    expect(cluster.runs.map((r) => r.jarId)).toEqual([NEW_JAR, OLD_JAR]);
    expect(cluster.runs[1]?.body).toEqual({
      entryClass: 'com.acme.Main',
      programArgsList: ['--version', '1'],
      parallelism: 2,
      savepointPath: SAVEPOINT_PATH,
      jobId: error.rollbackJobId,
    });
    expect(cluster.jobs.get(error.rollbackJobId as string)?.states).toEqual(['RUNNING']);
    expect(calls()).toContain(`DELETE /v1/jars/${NEW_JAR}`);
  });

  it('a new job that reaches FAILED is cancelled, and the previous version rolled back', async () => {
    const cluster = fakeCluster();
    cluster.outcomes[NEW_JAR] = 'job-fails';
    const client = await clientThatStartedTheJob(cluster);
    const error = await caught(client.upgrade(JOB_ID, { jar: ZIP_BYTES }), FlinkUpgradeError);
    expect(error.rolledBack).toBe(true);
    expect(error.failedJobId).toMatch(/^[0-9a-f]{32}$/);
    expect(error.message).toContain('ArithmeticException: / by zero');
    expect(error.message).toContain('Rolled back');
    expect(flink.calls()).toContain(`PATCH /v1/jobs/${error.failedJobId}?mode=cancel`);
    expect(cluster.runs.map((r) => r.jarId)).toEqual([NEW_JAR, OLD_JAR]);
    expect(cluster.runs[1]?.body['savepointPath']).toBe(SAVEPOINT_PATH);
  });

  it('a new job that does not run within waitTimeoutMs is cancelled, and the previous version rolled back', async () => {
    const cluster = fakeCluster();
    cluster.outcomes[NEW_JAR] = 'never-runs';
    const client = await clientThatStartedTheJob(cluster);
    const error = await caught(client.upgrade(JOB_ID, { jar: { id: NEW_JAR }, waitTimeoutMs: 400 }), FlinkUpgradeError);
    expect(error.rolledBack).toBe(true);
    expect(error.cause).toBeInstanceOf(FlinkTimeoutError);
    expect(error.message).toContain(`timed out after 400 ms waiting for job ${error.failedJobId} to reach RUNNING`);
    expect(cluster.jobs.get(error.failedJobId as string)?.states).toEqual(['CANCELED']);
    expect(cluster.runs.map((r) => r.jarId)).toEqual([NEW_JAR, OLD_JAR]);
  });

  it('a restore that is not confirmed (restored from elsewhere) cancels the new job and rolls back', async () => {
    const cluster = fakeCluster();
    cluster.outcomes[NEW_JAR] = 'restores-elsewhere';
    const client = await clientThatStartedTheJob(cluster);
    const error = await caught(client.upgrade(JOB_ID, { jar: ZIP_BYTES }), FlinkUpgradeError);
    expect(error.rolledBack).toBe(true);
    expect(error.message).toContain(`restored from file:/tmp/x/checkpoints/other/chk-3, not from the savepoint ${SAVEPOINT_PATH}`);
    expect(cluster.jobs.get(error.failedJobId as string)?.states).toEqual(['CANCELED']);
    expect(flink.calls()).toContain(`PATCH /v1/jobs/${error.failedJobId}?mode=cancel`);
  });

  it('a rollback that fails too: rolledBack false, the message says nothing runs and names the savepoint', async () => {
    const cluster = fakeCluster();
    const client = await clientThatStartedTheJob(cluster);
    cluster.outcomes[NEW_JAR] = 'job-fails';
    cluster.outcomes[OLD_JAR] = 'run-fails';
    const error = await caught(client.upgrade(JOB_ID, { jar: ZIP_BYTES }), FlinkUpgradeError);
    expect(error.rolledBack).toBe(false);
    expect(error.rollbackJobId).toBeUndefined();
    expect(error.savepointPath).toBe(SAVEPOINT_PATH);
    expect(error.message).toContain('The rollback failed too');
    expect(error.message).toContain('no version of the job runs now');
    expect(error.message).toContain(`start one from the savepoint ${SAVEPOINT_PATH}`);
  });

  it('previous: false: no rollback, rolledBack false, the savepoint is named', async () => {
    const cluster = fakeCluster();
    cluster.outcomes[NEW_JAR] = 'run-fails';
    const error = await caught(fakeClient().upgrade(JOB_ID, { jar: ZIP_BYTES, previous: false }), FlinkUpgradeError);
    expect(error.rolledBack).toBe(false);
    expect(error.message).toContain('No rollback ran (previous: false)');
    expect(error.message).toContain(`start one from the savepoint ${SAVEPOINT_PATH}`);
    expect(cluster.runs.map((r) => r.jarId)).toEqual([NEW_JAR]);
  });

  it('an explicit previous without parallelism rolls back at the stopped job parallelism', async () => {
    const cluster = fakeCluster();
    cluster.outcomes[NEW_JAR] = 'run-fails';
    const error = await caught(
      fakeClient().upgrade(JOB_ID, {
        jar: { id: NEW_JAR },
        parallelism: 3,
        previous: { jar: { id: OLD_JAR }, entryClass: 'com.acme.Main' },
      }),
      FlinkUpgradeError,
    );
    expect(error.rolledBack).toBe(true);
    expect(cluster.runs[1]).toEqual({
      jarId: OLD_JAR,
      body: { entryClass: 'com.acme.Main', parallelism: 2, savepointPath: SAVEPOINT_PATH, jobId: error.rollbackJobId },
    });
  });

  it('an abort while the new job starts still rolls back: a stopped job must not stay down', async () => {
    const cluster = fakeCluster();
    cluster.outcomes[NEW_JAR] = 'job-fails';
    const client = await clientThatStartedTheJob(cluster);
    const controller = new AbortController();
    const reason = new Error('user pressed ctrl-c');
    flink.use(
      route.post(`/jars/${NEW_JAR}/run`, async ({ request }) => {
        const body = (await request.json()) as Record<string, unknown>;
        cluster.runs.push({ jarId: NEW_JAR, body });
        cluster.jobs.set(String(body['jobId']), {
          states: ['INITIALIZING'],
          parallelism: 2,
          jarId: NEW_JAR,
          savepointPath: SAVEPOINT_PATH,
          outcome: 'runs',
          onLook: () => controller.abort(reason),
        });
        return Response.json({ jobid: body['jobId'] });
      }),
    );
    const error = await caught(client.upgrade(JOB_ID, { jar: ZIP_BYTES, signal: controller.signal }), FlinkUpgradeError);
    expect(error.cause).toBe(reason);
    expect(error.rolledBack).toBe(true);
    expect(error.message).toContain('user pressed ctrl-c');
    expect(cluster.jobs.get(error.failedJobId as string)?.states).toEqual(['CANCELED']);
    expect(cluster.runs.map((r) => r.jarId)).toEqual([NEW_JAR, OLD_JAR]);
  });
});
