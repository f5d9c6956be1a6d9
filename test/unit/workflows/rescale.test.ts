import { describe, expect, it } from 'vitest';
import { FlinkJobFailedError, FlinkOperationError, InsufficientSlotsError } from '../../../src/errors/domain-errors.js';
import { FlinkInputError } from '../../../src/errors/flink-error.js';
import { FlinkTimeoutError } from '../../../src/errors/transport-errors.js';
import { caught } from '../../fakes/caught.js';
import {
  dashboardConfig,
  internalServerError,
  JOB_ID,
  jobDetails,
  jobExceptions,
  taskManagers,
  vertex,
} from '../../fakes/flink-replies.js';
import { fakeClient, route, scriptedJob, simulated, useFakeFlink } from '../../fakes/mock-flink.js';

const flink = useFakeFlink();

const fast = { pollIntervalMs: 5 };
const SOURCE = 'Source: words'; // vertex id ends in 3 (name length 13)
const SINK = 'counter -> Sink: print'; // vertex id ends in 2 (name length 22)
const sourceId = vertex(SOURCE, 'RUNNING')['id'] as string;
const sinkId = vertex(SINK, 'RUNNING')['id'] as string;

/** The job with both vertices at `parallelism`, all tasks in `state` (or the given counts). */
function job(parallelism: number, state = 'RUNNING', tasks?: Record<string, number>, maxSource = 128): Record<string, unknown> {
  const options = tasks ? { parallelism, tasks } : { parallelism };
  return jobDetails(state === 'FAILED' ? 'FAILED' : 'RUNNING', [
    { ...vertex(SOURCE, state, options), maxParallelism: maxSource },
    vertex(SINK, state, options),
  ]);
}

/** What the adaptive scheduler answers on `GET /jobs/:id/resource-requirements`. */
function requirements(upperBound: number, lowerBound = 1): Record<string, unknown> {
  const bounds = { parallelism: { lowerBound, upperBound } };
  return { [sourceId]: bounds, [sinkId]: bounds };
}

/** Fake Flink 1.20 with the adaptive scheduler; records the PUT bodies. */
function adaptiveFlink(states: Array<Record<string, unknown>>, options: { version?: string; free?: number; allocated?: number } = {}) {
  const puts: unknown[] = [];
  flink.use(
    ...simulated(
      route.get('/config', () => Response.json(dashboardConfig(options.version ?? '1.20.3'))),
      ...scriptedJob(states),
      route.get(`/jobs/${JOB_ID}/resource-requirements`, () => Response.json(requirements(2))),
      route.put(`/jobs/${JOB_ID}/resource-requirements`, async ({ request }) => {
        puts.push(await request.json());
        return Response.json({});
      }),
      route.get('/taskmanagers', () => Response.json(taskManagers(2, 2, options.free ?? 2))),
      route.get('/taskmanagers/:id', () =>
        Response.json({
          allocatedSlots: Array.from({ length: options.allocated ?? 1 }, () => ({ jobId: JOB_ID, resource: {} })),
        }),
      ),
    ),
  );
  return puts;
}

describe('jobs.rescale', () => {
  it('asks for the new parallelism on every vertex, keeps the lower bounds, and waits until all tasks run at it', async () => {
    const deploying = { RUNNING: 2, DEPLOYING: 2 };
    const puts = adaptiveFlink([job(2), job(2), job(4, 'RUNNING', deploying), job(4)]);
    const result = await fakeClient().rescale(JOB_ID, { parallelism: 4, ...fast });
    expect(puts).toEqual([requirements(4)]);
    expect(result.previousParallelism).toBe(2);
    expect(result.parallelism).toBe(4);
    expect(result.job.vertices.map((v) => v.parallelism)).toEqual([4, 4]);
    expect(result.job.allTasksRunning).toBe(true);
  });

  it('caps a vertex at its max parallelism', async () => {
    const capped = jobDetails('RUNNING', [
      { ...vertex(SOURCE, 'RUNNING', { parallelism: 1 }), maxParallelism: 1 },
      vertex(SINK, 'RUNNING', { parallelism: 3 }),
    ]);
    const puts = adaptiveFlink([job(2, 'RUNNING', undefined, 1), capped]);
    await fakeClient().rescale(JOB_ID, { parallelism: 3, ...fast });
    expect(puts).toEqual([
      { [sourceId]: { parallelism: { lowerBound: 1, upperBound: 1 } }, [sinkId]: { parallelism: { lowerBound: 1, upperBound: 3 } } },
    ]);
  });

  it('a parallelism above every max parallelism is a FlinkInputError, and nothing is changed', async () => {
    const max8 = (name: string) => ({ ...vertex(name, 'RUNNING', { parallelism: 2 }), maxParallelism: 8 });
    const puts = adaptiveFlink([jobDetails('RUNNING', [max8(SOURCE), max8(SINK)])]);
    const error = await caught(fakeClient().rescale(JOB_ID, { parallelism: 16, ...fast }), FlinkInputError);
    expect(error.message).toContain('its max parallelism is 8');
    expect(error.message).toContain('pipeline.max-parallelism');
    expect(puts).toEqual([]);
  });

  it.each([0, -1, 1.5, undefined])('parallelism %s is a FlinkInputError before any request', async (parallelism) => {
    await caught(fakeClient().rescale(JOB_ID, { parallelism } as { parallelism: number }), FlinkInputError);
    expect(flink.requests).toHaveLength(0);
  });

  it('too few free slots is an InsufficientSlotsError before anything changes', async () => {
    // No slot free; the job holds one on each TaskManager.
    const puts = adaptiveFlink([job(2)], { free: 0, allocated: 1 });
    const error = await caught(fakeClient().rescale(JOB_ID, { parallelism: 4, ...fast }), InsufficientSlotsError);
    expect(error.requested).toBe(4);
    expect(error.available).toBe(2);
    expect(error.message).toContain('parallelism 4 needs 4 slots, the cluster has 4 (2 TaskManagers x 2), 2 of them free');
    expect(puts).toEqual([]);
  });

  it('counts the slots the adaptive scheduler still holds for the job after a downscale', async () => {
    // Runs at 1, no slot free, but its 4 slots are still allocated to it (idle until slot.idle.timeout).
    const puts = adaptiveFlink([job(1), job(1), job(4)], { free: 0, allocated: 2 });
    const result = await fakeClient().rescale(JOB_ID, { parallelism: 4, ...fast });
    expect(result.parallelism).toBe(4);
    expect(puts).toHaveLength(1);
  });

  it('checkSlots: false skips the check', async () => {
    const puts = adaptiveFlink([job(2), job(2), job(6)], { free: 0, allocated: 1 });
    await fakeClient().rescale(JOB_ID, { parallelism: 6, checkSlots: false, ...fast });
    expect(puts).toEqual([requirements(6)]);
  });

  it("the default scheduler's refusal is a FlinkOperationError that names jobmanager.scheduler: adaptive", async () => {
    flink.use(
      route.get('/config', () => Response.json(dashboardConfig('1.18.1'))),
      ...scriptedJob([job(2)]),
      route.get(`/jobs/${JOB_ID}/resource-requirements`, () =>
        Response.json(
          internalServerError(
            'java.lang.UnsupportedOperationException: The DefaultScheduler does not support changing the parallelism without a job restart. This feature is currently only expected to work with the AdaptiveScheduler.\n\tat org.apache.flink.runtime.scheduler.SchedulerNG.requestJobResourceRequirements(SchedulerNG.java:200)',
          ),
          { status: 500 },
        ),
      ),
    );
    const error = await caught(fakeClient().rescale(JOB_ID, { parallelism: 4, ...fast }), FlinkOperationError);
    expect(error.operation).toBe('rescale');
    expect(error.message).toContain('does not run the adaptive scheduler');
    expect(error.message).toContain('jobmanager.scheduler: adaptive');
    expect(error.message).toContain('upgrade(jobId, { parallelism })');
    expect(error.rootCause).toMatch(/^UnsupportedOperationException/);
    expect(flink.calls().filter((c) => c.startsWith('PUT'))).toEqual([]);
  });

  it('Flink 1.17 is a FlinkOperationError that points to upgrade(), with no rescale request', async () => {
    adaptiveFlink([job(2)], { version: '1.17.2' });
    const error = await caught(fakeClient().rescale(JOB_ID, { parallelism: 4 }), FlinkOperationError);
    expect(error.message).toContain('Flink 1.17.2 has no resource-requirements API (1.18+)');
    expect(flink.calls().filter((c) => c.includes('resource-requirements'))).toEqual([]);
  });

  it('an ended job is a FlinkOperationError', async () => {
    adaptiveFlink([{ ...job(2, 'FINISHED'), state: 'FINISHED' }]);
    const error = await caught(fakeClient().rescale(JOB_ID, { parallelism: 4, ...fast }), FlinkOperationError);
    expect(error.message).toContain('is FINISHED: only a running job can be rescaled');
  });

  it('a job that fails while rescaling is a FlinkJobFailedError with the root cause', async () => {
    adaptiveFlink([job(2), job(2), job(2, 'FAILED')]);
    flink.use(route.get(`/jobs/${JOB_ID}/exceptions`, () => Response.json(jobExceptions())));
    const error = await caught(fakeClient().rescale(JOB_ID, { parallelism: 4, ...fast }), FlinkJobFailedError);
    expect(error.state).toBe('FAILED');
    expect(error.rootCause).toContain('/ by zero');
  });

  it('a job that stays at the old parallelism is a FlinkTimeoutError naming the cooldown and what it saw', async () => {
    adaptiveFlink([job(2)]);
    const error = await caught(fakeClient().rescale(JOB_ID, { parallelism: 4, waitTimeoutMs: 50, ...fast }), FlinkTimeoutError);
    expect(error.message).toContain('to run at parallelism 4 with all tasks running');
    expect(error.message).toContain('last seen: RUNNING, tasks: 4 RUNNING, parallelism 2');
    expect(error.message).toContain('scaling-interval.min');
    expect(error.timeoutMs).toBe(50);
  });
});
