import { describe, expect, it } from 'vitest';
import { FlinkApiError, FlinkNotFoundError } from '../../../src/errors/api-errors.js';
import { FlinkOperationError } from '../../../src/errors/domain-errors.js';
import { FlinkInputError } from '../../../src/errors/flink-error.js';
import { FlinkConnectionError } from '../../../src/errors/transport-errors.js';
import { caught } from '../../fakes/caught.js';
import {
  disposalCompleted,
  flinkErrors,
  JOB_ID,
  jobNotFoundTrace,
  MKDIRS_TRACE,
  NO_SAVEPOINT_DIR_TRACE,
  operationFailed,
  operationInProgress,
  SAVEPOINT_PATH,
  savepointCompleted,
  TRIGGER_ID,
  triggerReply,
  unknownTriggerErrors,
} from '../../fakes/flink-replies.js';
import { fakeClient, inOrder, route, useFakeFlink } from '../../fakes/mock-flink.js';

const flink = useFakeFlink();

const HEX32 = /^[0-9a-f]{32}$/;
const fast = { pollIntervalMs: 5 };

/** The savepoint status route answers `bodies` in order, whatever the trigger id. */
function savepointStatus(...bodies: unknown[]): void {
  flink.use(route.get(`/jobs/${JOB_ID}/savepoints/:triggerId`, inOrder(...bodies)));
}

/** GET /jobs/:id/status answers `states` in order, repeating the last. */
function jobState(...states: string[]): void {
  flink.use(route.get(`/jobs/${JOB_ID}/status`, inOrder(...states.map((status) => ({ status })))));
}

const STATUS = `GET /v1/jobs/${JOB_ID}/status`;
const TRIGGER = `POST /v1/jobs/${JOB_ID}/savepoints`;

/** A RUNNING job whose trigger POST answers with the trigger id it was sent; keeps every body it got. */
function acceptTriggers(): Array<Record<string, unknown>> {
  const bodies: Array<Record<string, unknown>> = [];
  jobState('RUNNING');
  flink.use(
    route.post(`/jobs/${JOB_ID}/savepoints`, async ({ request }) => {
      const body = (await request.json()) as Record<string, unknown>;
      bodies.push(body);
      return Response.json(triggerReply(body['triggerId'] as string), { status: 202 });
    }),
  );
  return bodies;
}

describe('savepoints.trigger', () => {
  it('sends kebab-case target-directory and cancel-job, formatType and a fresh 32-hex triggerId', async () => {
    const bodies = acceptTriggers();
    const op = await fakeClient().savepoints.trigger(JOB_ID, {
      targetDirectory: 's3://bucket/savepoints',
      cancelJob: true,
      formatType: 'NATIVE',
    });
    expect(bodies).toHaveLength(1);
    const [body] = bodies;
    expect(body).toEqual({
      'target-directory': 's3://bucket/savepoints',
      'cancel-job': true,
      formatType: 'NATIVE',
      triggerId: op.triggerId,
    });
    expect(op.triggerId).toMatch(HEX32);
    expect(op.kind).toBe('savepoint');
    expect(flink.calls()).toEqual([STATUS, TRIGGER]);
  });

  it('defaults: cancel-job false, no target-directory, no formatType (Flink picks CANONICAL)', async () => {
    const bodies = acceptTriggers();
    await fakeClient().savepoints.trigger(JOB_ID);
    expect(Object.keys(bodies[0] ?? {}).sort()).toEqual(['cancel-job', 'triggerId']);
    expect(bodies[0]?.['cancel-job']).toBe(false);
  });

  it('each trigger gets its own triggerId', async () => {
    const bodies = acceptTriggers();
    const client = fakeClient();
    const a = await client.savepoints.trigger(JOB_ID);
    const b = await client.savepoints.trigger(JOB_ID);
    expect(a.triggerId).not.toBe(b.triggerId);
    expect(bodies.map((body) => body['triggerId'])).toEqual([a.triggerId, b.triggerId]);
  });

  it('a given triggerId is sent as is', async () => {
    const bodies = acceptTriggers();
    const op = await fakeClient().savepoints.trigger(JOB_ID, { triggerId: TRIGGER_ID });
    expect(op.triggerId).toBe(TRIGGER_ID);
    expect(bodies[0]?.['triggerId']).toBe(TRIGGER_ID);
  });

  it('retries the POST after a dropped connection, with the same triggerId both times', async () => {
    const bodies: unknown[] = [];
    jobState('RUNNING');
    flink.use(
      route.post(`/jobs/${JOB_ID}/savepoints`, async ({ request }) => {
        const body = (await request.json()) as Record<string, unknown>;
        bodies.push(body);
        return bodies.length === 1 ? Response.error() : Response.json(triggerReply(body['triggerId'] as string), { status: 202 });
      }),
    );
    const op = await fakeClient().savepoints.trigger(JOB_ID, { targetDirectory: 'file:///sp' });
    expect(bodies).toHaveLength(2);
    expect(bodies[0]).toEqual(bodies[1]);
    expect(bodies[1]).toMatchObject({ triggerId: op.triggerId });
  });

  it('gives up with a FlinkConnectionError when the connection keeps dropping', async () => {
    jobState('RUNNING');
    flink.use(route.post(`/jobs/${JOB_ID}/savepoints`, () => Response.error()));
    await caught(fakeClient().savepoints.trigger(JOB_ID), FlinkConnectionError);
    expect(flink.calls()).toEqual([STATUS, TRIGGER, TRIGGER, TRIGGER]); // first attempt + 2 retries of fakeClient
  });

  it('an unknown job is a FlinkNotFoundError, and nothing is triggered', async () => {
    flink.use(route.get(`/jobs/${JOB_ID}/status`, () => Response.json(flinkErrors('Job could not be found.'), { status: 404 })));
    const error = await caught(fakeClient().savepoints.trigger(JOB_ID), FlinkNotFoundError);
    expect(error.message).toContain('Job could not be found.');
    expect(flink.calls()).toEqual([STATUS]);
  });

  it('a job that disappears between the check and the trigger is a FlinkNotFoundError', async () => {
    jobState('RUNNING');
    flink.use(route.post(`/jobs/${JOB_ID}/savepoints`, () => Response.json(flinkErrors('Job could not be found.'), { status: 404 })));
    await caught(fakeClient().savepoints.trigger(JOB_ID), FlinkNotFoundError);
  });

  it.each(['FINISHED', 'CANCELED', 'RESTARTING'])(
    'a job that is %s is a FlinkOperationError (savepoints need a RUNNING job), and nothing is triggered',
    async (state) => {
      jobState(state);
      const error = await caught(fakeClient().savepoints.trigger(JOB_ID), FlinkOperationError);
      expect(error.operation).toBe('savepoint');
      expect(error.message).toContain(`job ${JOB_ID} is ${state}`);
      expect(error.message).toContain('needs a RUNNING job');
      expect(flink.calls()).toEqual([STATUS]);
    },
  );

  it("Flink's 400 for a missing savepoint directory names the keys to set", async () => {
    jobState('RUNNING');
    flink.use(
      route.post(`/jobs/${JOB_ID}/savepoints`, () =>
        Response.json(
          flinkErrors('Config key [execution.checkpointing.savepoint-dir] is not set. Property [target-directory] must be provided.'),
          { status: 400 },
        ),
      ),
    );
    const error = await caught(fakeClient().savepoints.trigger(JOB_ID), FlinkApiError);
    expect(error.status).toBe(400);
    expect(error.message).toContain('pass targetDirectory');
    expect(error.message).toContain('set execution.checkpointing.savepoint-dir (state.savepoints.dir before Flink 1.20)');
  });

  it('other 400s pass unchanged', async () => {
    jobState('RUNNING');
    flink.use(
      route.post(`/jobs/${JOB_ID}/savepoints`, () =>
        Response.json(flinkErrors('Request did not match expected format SavepointTriggerRequestBody.'), { status: 400 }),
      ),
    );
    const error = await caught(fakeClient().savepoints.trigger(JOB_ID), FlinkApiError);
    expect(error.message).not.toContain('pass targetDirectory');
  });

  it.each([
    ['a malformed job id', 'not-a-job', {}, 'jobId must be 32 lower-case hex characters'],
    ['an upper-case job id', JOB_ID.toUpperCase(), {}, 'jobId must be 32 lower-case hex characters'],
    ['a malformed triggerId', JOB_ID, { triggerId: 'abc' }, 'triggerId must be 32 lower-case hex characters'],
    ['a triggerId with a path', JOB_ID, { triggerId: `${TRIGGER_ID}/..` }, 'triggerId must be 32 lower-case hex characters'],
    ['an empty targetDirectory', JOB_ID, { targetDirectory: '' }, 'targetDirectory must be a non-empty path'],
    ['a blank targetDirectory', JOB_ID, { targetDirectory: '   ' }, 'targetDirectory must be a non-empty path'],
  ])('rejects %s with a FlinkInputError, sending nothing', async (_label, jobId, options, text) => {
    const error = await caught(fakeClient().savepoints.trigger(jobId, options), FlinkInputError);
    expect(error.message).toContain(text);
    expect(flink.requests).toHaveLength(0);
  });

  it('trigger + result: polls the status route of the trigger id and returns the location', async () => {
    acceptTriggers();
    savepointStatus(operationInProgress(), operationInProgress(), savepointCompleted());
    const op = await fakeClient().savepoints.trigger(JOB_ID, { triggerId: TRIGGER_ID });
    await expect(op.result(fast)).resolves.toEqual({ location: SAVEPOINT_PATH });
    expect(flink.calls()).toEqual([STATUS, TRIGGER, ...Array(3).fill(`GET /v1/jobs/${JOB_ID}/savepoints/${TRIGGER_ID}`)]);
  });
});

describe('savepoints.handle / status', () => {
  it('handle() makes no request until status() or result()', async () => {
    savepointStatus(savepointCompleted());
    const op = fakeClient().savepoints.handle(JOB_ID, TRIGGER_ID);
    expect(op.triggerId).toBe(TRIGGER_ID);
    expect(flink.requests).toHaveLength(0);
    await expect(op.status()).resolves.toEqual({ state: 'COMPLETED', result: { location: SAVEPOINT_PATH } });
    expect(flink.calls()).toEqual([`GET /v1/jobs/${JOB_ID}/savepoints/${TRIGGER_ID}`]);
  });

  it('handle() checks both ids', () => {
    const client = fakeClient();
    expect(() => client.savepoints.handle('nope', TRIGGER_ID)).toThrow(FlinkInputError);
    expect(() => client.savepoints.handle(JOB_ID, 'nope')).toThrow(/triggerId must be 32 lower-case hex/);
    expect(flink.requests).toHaveLength(0);
  });

  it('status() is one look', async () => {
    savepointStatus(operationInProgress());
    await expect(fakeClient().savepoints.status(JOB_ID, TRIGGER_ID)).resolves.toEqual({ state: 'IN_PROGRESS' });
    expect(flink.requests).toHaveLength(1);
  });

  it('status() of an unknown trigger id says the result expired or is unknown', async () => {
    flink.use(
      route.get(`/jobs/${JOB_ID}/savepoints/${TRIGGER_ID}`, () => Response.json(unknownTriggerErrors(TRIGGER_ID, JOB_ID), { status: 404 })),
    );
    const error = await caught(fakeClient().savepoints.status(JOB_ID, TRIGGER_ID), FlinkOperationError);
    expect(error.message).toContain('rest.async.store-duration');
  });
});

describe('savepoint failures say what to do', () => {
  it('no directory configured: names execution.checkpointing.savepoint-dir and state.savepoints.dir, without asking the job state', async () => {
    savepointStatus(operationFailed(NO_SAVEPOINT_DIR_TRACE));
    const error = await caught(fakeClient().savepoints.handle(JOB_ID, TRIGGER_ID).result(fast), FlinkOperationError);
    expect(error.operation).toBe('savepoint');
    expect(error.message).toContain(`savepoint of job ${JOB_ID} failed`);
    expect(error.message).toContain('No savepoint directory configured');
    expect(error.message).toContain('pass targetDirectory');
    // The hint names both keys, whatever key the Flink message itself mentions.
    expect(error.message).toContain('set execution.checkpointing.savepoint-dir (state.savepoints.dir before Flink 1.20)');
    expect(flink.calls()).not.toContain(`GET /v1/jobs/${JOB_ID}/status`);
  });

  it('a directory Flink cannot create: the root cause, and to give a directory every JVM can write', async () => {
    savepointStatus(operationFailed(MKDIRS_TRACE));
    const error = await caught(fakeClient().savepoints.handle(JOB_ID, TRIGGER_ID).result(fast), FlinkOperationError);
    expect(error.message).toMatch(
      new RegExp(
        `^savepoint of job ${JOB_ID} failed: IOException: Mkdirs failed to create /proc/nope\\. Flink could not create or write the savepoint directory: give a targetDirectory the JobManager and every TaskManager can create and write.*Job ${JOB_ID} keeps running$`,
      ),
    );
    expect(error.rootCause).toBe('IOException: Mkdirs failed to create /proc/nope');
    expect(error.details).toBe(MKDIRS_TRACE);
  });

  it('a job that ended after the trigger (status FINISHED): savepoints need a RUNNING job', async () => {
    acceptTriggers();
    savepointStatus(operationFailed(jobNotFoundTrace(JOB_ID)));
    jobState('RUNNING', 'FINISHED'); // RUNNING when triggered, FINISHED when the failure is explained
    const op = await fakeClient().savepoints.trigger(JOB_ID);
    const error = await caught(op.result(fast), FlinkOperationError);
    expect(error.message).toContain(`Job ${JOB_ID} is FINISHED; savepoints need a RUNNING job`);
    expect(error.rootCause).toBe(`FlinkJobNotFoundException: Could not find Flink job (${JOB_ID})`);
  });

  it('a job the cluster no longer knows after the trigger (404): not running on this cluster', async () => {
    acceptTriggers();
    savepointStatus(operationFailed(jobNotFoundTrace(JOB_ID)));
    let looks = 0;
    flink.use(
      route.get(`/jobs/${JOB_ID}/status`, () =>
        ++looks === 1 ? Response.json({ status: 'RUNNING' }) : Response.json(flinkErrors('Job could not be found.'), { status: 404 }),
      ),
    );
    const op = await fakeClient().savepoints.trigger(JOB_ID);
    const error = await caught(op.result(fast), FlinkOperationError);
    expect(error.message).toContain(`Job ${JOB_ID} is not running on this cluster (it ended or never existed)`);
    expect(error.message).toContain('FlinkJobNotFoundException');
  });
});

describe('savepoints.dispose', () => {
  it("sends 'savepoint-path' and waits for the disposal to complete", async () => {
    let body: unknown;
    flink.use(
      route.post('/savepoint-disposal', async ({ request }) => {
        body = await request.json();
        return Response.json(triggerReply(TRIGGER_ID)); // 200, not 202
      }),
      route.get(`/savepoint-disposal/${TRIGGER_ID}`, inOrder(operationInProgress(), operationInProgress(), disposalCompleted())),
    );
    await expect(fakeClient().savepoints.dispose(SAVEPOINT_PATH, fast)).resolves.toBeUndefined();
    expect(body).toEqual({ 'savepoint-path': SAVEPOINT_PATH });
    expect(flink.calls()).toEqual(['POST /v1/savepoint-disposal', ...Array(3).fill(`GET /v1/savepoint-disposal/${TRIGGER_ID}`)]);
  });

  it('a failed disposal is a FlinkOperationError with the root cause', async () => {
    const trace = [
      "java.util.concurrent.CompletionException: java.io.FileNotFoundException: Cannot find checkpoint or savepoint file/directory 'file:/sp/nope' on file system 'file'.",
      '\tat java.base/java.util.concurrent.CompletableFuture.encodeThrowable(CompletableFuture.java:315)',
      "Caused by: java.io.FileNotFoundException: Cannot find checkpoint or savepoint file/directory 'file:/sp/nope' on file system 'file'.",
      '\tat org.apache.flink.runtime.state.filesystem.AbstractFsCheckpointStorageAccess.resolveCheckpointPointer(AbstractFsCheckpointStorageAccess.java:280)',
    ].join('\n');
    flink.use(
      route.post('/savepoint-disposal', () => Response.json(triggerReply(TRIGGER_ID))),
      route.get(`/savepoint-disposal/${TRIGGER_ID}`, inOrder(operationInProgress(), operationFailed(trace))),
    );
    const error = await caught(fakeClient().savepoints.dispose('file:/sp/nope', fast), FlinkOperationError);
    expect(error.operation).toBe('disposal');
    expect(error.rootCause).toBe(
      "FileNotFoundException: Cannot find checkpoint or savepoint file/directory 'file:/sp/nope' on file system 'file'.",
    );
    expect(error.message).toContain(`disposal ${TRIGGER_ID} failed: FileNotFoundException: Cannot find checkpoint or savepoint`);
  });

  it('an expired disposal result is a FlinkOperationError naming rest.async.store-duration', async () => {
    flink.use(
      route.post('/savepoint-disposal', () => Response.json(triggerReply(TRIGGER_ID))),
      route.get(`/savepoint-disposal/${TRIGGER_ID}`, () =>
        Response.json(flinkErrors(`There is no savepoint disposal operation with triggerId=${TRIGGER_ID}.`), { status: 404 }),
      ),
    );
    const error = await caught(fakeClient().savepoints.dispose(SAVEPOINT_PATH, fast), FlinkOperationError);
    expect(error.message).toContain('rest.async.store-duration');
  });

  it.each([
    ['empty', ''],
    ['blank', '  '],
  ])('an %s path is a FlinkInputError, sending nothing', async (_label, savepointPath) => {
    const error = await caught(fakeClient().savepoints.dispose(savepointPath), FlinkInputError);
    expect(error.message).toContain('savepointPath must be the location a savepoint returned');
    expect(flink.requests).toHaveLength(0);
  });

  it('the disposal POST carries no trigger id, so a dropped connection is not retried', async () => {
    flink.use(route.post('/savepoint-disposal', () => Response.error()));
    await caught(fakeClient().savepoints.dispose(SAVEPOINT_PATH), FlinkConnectionError);
    expect(flink.calls()).toEqual(['POST /v1/savepoint-disposal']);
  });
});
