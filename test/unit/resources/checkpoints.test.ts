import { describe, expect, it } from 'vitest';
import { FlinkNotFoundError } from '../../../src/errors/api-errors.js';
import { FlinkOperationError } from '../../../src/errors/domain-errors.js';
import { FlinkInputError } from '../../../src/errors/flink-error.js';
import { caught } from '../../fakes/caught.js';
import {
  checkpointConfigReply,
  checkpointEntry,
  checkpointStats,
  checkpointTriggerCompleted,
  dashboardConfig,
  flinkErrors,
  JOB_ID,
  MKDIRS_TRACE,
  operationFailed,
  operationInProgress,
  restoredEntry,
  SAVEPOINT_PATH,
  TRIGGER_ID,
  triggerReply,
} from '../../fakes/flink-replies.js';
import { fakeClient, inOrder, route, simulated, useFakeFlink } from '../../fakes/mock-flink.js';

const flink = useFakeFlink();

const fast = { pollIntervalMs: 5 };

describe('checkpoints.stats / config / details', () => {
  it('stats maps counts, latest (restored included) and history, newest first', async () => {
    const history = [checkpointEntry(6, 'IN_PROGRESS'), checkpointEntry(5), checkpointEntry(4, 'FAILED', { failureMessage: 'declined' })];
    flink.use(route.get(`/jobs/${JOB_ID}/checkpoints`, () => Response.json(checkpointStats(history, { restored: restoredEntry(3) }))));
    const stats = await fakeClient().checkpoints.stats(JOB_ID);
    expect(stats.counts).toEqual({ restored: 1, total: 6, inProgress: 1, completed: 1, failed: 1 });
    expect(stats.latest.restored).toMatchObject({ checkpointId: 3, externalPath: SAVEPOINT_PATH });
    expect(stats.latest.completed).toMatchObject({ id: 5, durationMs: 34, externalPath: `file:/tmp/x/checkpoints/${JOB_ID}/chk-5` });
    expect(stats.latest.failed).toMatchObject({ id: 4, failureMessage: 'declined' });
    expect(stats.history.map((c) => c.id)).toEqual([6, 5, 4]);
    expect(flink.calls()).toEqual([`GET /v1/jobs/${JOB_ID}/checkpoints`]);
  });

  it('stats of an unknown job is a FlinkNotFoundError with a hint', async () => {
    flink.use(route.get(`/jobs/${JOB_ID}/checkpoints`, () => Response.json(flinkErrors('Job could not be found.'), { status: 404 })));
    const error = await caught(fakeClient().checkpoints.stats(JOB_ID), FlinkNotFoundError);
    expect(error.message).toContain('No job with that id on this cluster');
  });

  it('config maps to camelCase', async () => {
    flink.use(route.get(`/jobs/${JOB_ID}/checkpoints/config`, () => Response.json(checkpointConfigReply())));
    await expect(fakeClient().checkpoints.config(JOB_ID)).resolves.toMatchObject({
      intervalMs: 2000,
      timeoutMs: 600_000,
      externalized: true,
      stateBackend: 'HashMapStateBackend',
    });
  });

  it('details reads one checkpoint by id', async () => {
    flink.use(
      route.get(`/jobs/${JOB_ID}/checkpoints/details/42`, () =>
        Response.json(checkpointEntry(42, 'FAILED', { failureMessage: 'Checkpoint expired before completing.' })),
      ),
    );
    const cp = await fakeClient().checkpoints.details(JOB_ID, 42);
    expect(cp).toMatchObject({ id: 42, status: 'FAILED', failureMessage: 'Checkpoint expired before completing.', durationMs: 34 });
  });

  it('details of a checkpoint that left the history is a FlinkNotFoundError', async () => {
    flink.use(
      route.get(`/jobs/${JOB_ID}/checkpoints/details/1`, () =>
        Response.json(flinkErrors('Could not find checkpointing statistics for checkpoint 1.'), { status: 404 }),
      ),
    );
    const error = await caught(fakeClient().checkpoints.details(JOB_ID, 1), FlinkNotFoundError);
    expect(error.message).toContain('no checkpoint with that id in the history');
  });

  it.each([
    ['negative', -1],
    ['fractional', 1.5],
    ['NaN', Number.NaN],
    ['infinite', Number.POSITIVE_INFINITY],
    ['beyond 2^53', 2 ** 53],
  ])('details with a %s id is a FlinkInputError, sending nothing', async (_label, id) => {
    const error = await caught(fakeClient().checkpoints.details(JOB_ID, id), FlinkInputError);
    expect(error.message).toContain('checkpointId must be a non-negative integer');
    expect(flink.requests).toHaveLength(0);
  });

  it.each([
    ['stats', (id: string) => fakeClient().checkpoints.stats(id)],
    ['config', (id: string) => fakeClient().checkpoints.config(id)],
    ['details', (id: string) => fakeClient().checkpoints.details(id, 1)],
    ['trigger', (id: string) => fakeClient().checkpoints.trigger(id)],
  ])('%s rejects a malformed job id, sending nothing', async (_label, call) => {
    await caught(call('../jobs'), FlinkInputError);
    expect(flink.requests).toHaveLength(0);
  });
});

describe('checkpoints.trigger', () => {
  /** A cluster of `version` that accepts checkpoint triggers and keeps their bodies. */
  function cluster(version: string): Array<Record<string, unknown>> {
    const bodies: Array<Record<string, unknown>> = [];
    flink.use(
      ...simulated(
        route.get('/config', () => Response.json(dashboardConfig(version))),
        route.post(`/jobs/${JOB_ID}/checkpoints`, async ({ request }) => {
          const body = (await request.json()) as Record<string, unknown>;
          bodies.push(body);
          return Response.json(triggerReply(body['triggerId'] as string), { status: 202 });
        }),
      ),
    );
    return bodies;
  }

  it('sends checkpointType CONFIGURED and a fresh triggerId; result() polls and returns the checkpoint id', async () => {
    const bodies = cluster('1.20.3');
    flink.use(route.get(`/jobs/${JOB_ID}/checkpoints/:triggerId`, inOrder(operationInProgress(), checkpointTriggerCompleted(12))));
    const op = await fakeClient().checkpoints.trigger(JOB_ID);
    expect(op.kind).toBe('checkpoint');
    expect(op.triggerId).toMatch(/^[0-9a-f]{32}$/);
    expect(bodies).toEqual([{ checkpointType: 'CONFIGURED', triggerId: op.triggerId }]);
    await expect(op.result(fast)).resolves.toEqual({ checkpointId: 12 });
    expect(flink.calls()).toEqual([
      'GET /v1/config',
      `POST /v1/jobs/${JOB_ID}/checkpoints`,
      `GET /v1/jobs/${JOB_ID}/checkpoints/${op.triggerId}`,
      `GET /v1/jobs/${JOB_ID}/checkpoints/${op.triggerId}`,
    ]);
  });

  it('sends a given triggerId and type as they are, and reads the version only once per client', async () => {
    const bodies = cluster('1.20.3');
    const client = fakeClient();
    await client.checkpoints.trigger(JOB_ID, { type: 'FULL', triggerId: TRIGGER_ID });
    await client.checkpoints.trigger(JOB_ID, { type: 'FULL' });
    expect(bodies[0]).toEqual({ checkpointType: 'FULL', triggerId: TRIGGER_ID });
    expect(flink.calls().filter((c) => c === 'GET /v1/config')).toHaveLength(1);
  });

  it('Flink 1.16 has no checkpoint trigger route: FlinkInputError (needs 1.17), no POST', async () => {
    cluster('1.16.3');
    const error = await caught(fakeClient().checkpoints.trigger(JOB_ID), FlinkInputError);
    expect(error.message).toContain('needs Flink 1.17+');
    expect(error.message).toContain('1.16.3');
    expect(flink.calls()).toEqual(['GET /v1/config']);
  });

  it.each(['1.19.1', '1.20.3', '2.0.0'])('INCREMENTAL against %s is refused before sending (FLINK-33723)', async (version) => {
    cluster(version);
    const error = await caught(fakeClient().checkpoints.trigger(JOB_ID, { type: 'INCREMENTAL' }), FlinkInputError);
    expect(error.message).toContain('FLINK-33723');
    expect(error.message).toContain(`Flink ${version} refuses INCREMENTAL`);
    expect(flink.calls()).toEqual(['GET /v1/config']);
  });

  it.each(['1.17.2', '1.18.1'])('INCREMENTAL against %s is sent', async (version) => {
    const bodies = cluster(version);
    await fakeClient().checkpoints.trigger(JOB_ID, { type: 'INCREMENTAL', triggerId: TRIGGER_ID });
    expect(bodies).toEqual([{ checkpointType: 'INCREMENTAL', triggerId: TRIGGER_ID }]);
  });

  it('an unknown type is a FlinkInputError before any request', async () => {
    const error = await caught(fakeClient().checkpoints.trigger(JOB_ID, { type: 'SAVEPOINT' as 'FULL' }), FlinkInputError);
    expect(error.message).toContain('type must be CONFIGURED, FULL or INCREMENTAL, got "SAVEPOINT"');
    expect(flink.requests).toHaveLength(0);
  });

  it('a malformed triggerId is a FlinkInputError before the POST', async () => {
    cluster('1.20.3');
    await caught(fakeClient().checkpoints.trigger(JOB_ID, { triggerId: 'ABC' }), FlinkInputError);
    expect(flink.calls()).not.toContain(`POST /v1/jobs/${JOB_ID}/checkpoints`);
  });

  it('retries the trigger POST after a dropped connection, with the same triggerId', async () => {
    const bodies: unknown[] = [];
    flink.use(
      route.get('/config', () => Response.json(dashboardConfig('1.20.3'))),
      route.post(`/jobs/${JOB_ID}/checkpoints`, async ({ request }) => {
        const body = (await request.json()) as Record<string, unknown>;
        bodies.push(body);
        return bodies.length === 1 ? Response.error() : Response.json(triggerReply(body['triggerId'] as string), { status: 202 });
      }),
    );
    await fakeClient().checkpoints.trigger(JOB_ID);
    expect(bodies).toHaveLength(2);
    expect(bodies[0]).toEqual(bodies[1]);
  });

  it('a failed checkpoint (camelCase failureCause) is a FlinkOperationError with the root cause', async () => {
    cluster('1.20.3');
    flink.use(route.get(`/jobs/${JOB_ID}/checkpoints/:triggerId`, () => Response.json(operationFailed(MKDIRS_TRACE, 'failureCause'))));
    const op = await fakeClient().checkpoints.trigger(JOB_ID);
    const error = await caught(op.result(fast), FlinkOperationError);
    expect(error.operation).toBe('checkpoint');
    expect(error.rootCause).toBe('IOException: Mkdirs failed to create /proc/nope');
    expect(error.message).toContain('failed: IOException: Mkdirs failed to create /proc/nope');
  });

  it('a trigger for an unknown job is a FlinkNotFoundError', async () => {
    flink.use(
      route.get('/config', () => Response.json(dashboardConfig('1.20.3'))),
      route.post(`/jobs/${JOB_ID}/checkpoints`, () => Response.json(flinkErrors('Job could not be found.'), { status: 404 })),
    );
    await caught(fakeClient().checkpoints.trigger(JOB_ID), FlinkNotFoundError);
  });
});
