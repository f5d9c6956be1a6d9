import { describe, expect, it } from 'vitest';
import { FlinkApiError } from '../../../src/errors/api-errors.js';
import { FlinkJobFailedError, InsufficientSlotsError } from '../../../src/errors/domain-errors.js';
import { FlinkInputError } from '../../../src/errors/flink-error.js';
import { caught } from '../../fakes/caught.js';
import {
  CLASS_NOT_FOUND_TRACE,
  flinkErrors,
  internalServerError,
  JAR_ID,
  jarUploadReply,
  jobDetails,
  jobExceptions,
  taskManagers,
  ZIP_BYTES,
} from '../../fakes/flink-replies.js';
import { fakeClient, route, scriptedJob, simulated, useFakeFlink } from '../../fakes/mock-flink.js';

const flink = useFakeFlink();

/** The routes of a healthy cluster with `count` TaskManagers of `slots` slots, where runs succeed and jobs run. */
function healthyCluster(count = 2, slots = 2, free = slots): void {
  flink.use(
    ...simulated(
      route.get('/taskmanagers', () => Response.json(taskManagers(count, slots, free))),
      route.post('/jars/upload', () => Response.json(jarUploadReply())),
      route.post(`/jars/${JAR_ID}/run`, async ({ request }) => {
        const { jobId } = (await request.json()) as { jobId: string };
        flink.use(
          ...simulated(
            ...scriptedJob([jobDetails('RUNNING', ['RUNNING', 'SCHEDULED'], jobId), jobDetails('RUNNING', ['RUNNING', 'RUNNING'], jobId)]),
            route.get(`/jobs/${jobId}/status`, () => Response.json({ status: 'CREATED' })),
          ),
        );
        return Response.json({ jobid: jobId });
      }),
      route.delete(`/jars/${JAR_ID}`, () => new Response(null, { status: 200 })),
    ),
  );
}

/** The run of the uploaded jar fails the way a main() naming a missing class fails. */
function runFails(): void {
  flink.use(route.post(`/jars/${JAR_ID}/run`, () => Response.json(internalServerError(CLASS_NOT_FOUND_TRACE), { status: 500 })));
}

const methods = () => flink.calls().map((c) => c.replace(/[0-9a-f]{32}/g, '<job>'));

describe('submit', () => {
  it('parallelism above the free slots is an InsufficientSlotsError, and nothing is uploaded', async () => {
    healthyCluster(4, 2);
    const error = await caught(fakeClient().submit({ jar: ZIP_BYTES, parallelism: 10 }), InsufficientSlotsError);
    expect(error.message).toMatch(/^parallelism 10 needs 10 slots, the cluster has 8 \(4 TaskManagers x 2\)\. /);
    expect(error).toMatchObject({ requested: 10, available: 8, total: 8, taskManagers: 4 });
    expect(methods()).toEqual(['GET /v1/taskmanagers']);
  });

  it('counts only free slots', async () => {
    healthyCluster(2, 2, 1);
    const error = await caught(fakeClient().submit({ jar: ZIP_BYTES, parallelism: 3 }), InsufficientSlotsError);
    expect(error.message).toContain('the cluster has 4 (2 TaskManagers x 2), 2 of them free');
    expect(methods()).toEqual(['GET /v1/taskmanagers']);
  });

  it('a bad parallelism is a FlinkInputError before any request', async () => {
    await caught(fakeClient().submit({ jar: ZIP_BYTES, parallelism: 0 }), FlinkInputError);
    expect(flink.requests).toHaveLength(0);
  });

  it('checkSlots: false skips the capacity check', async () => {
    healthyCluster(1, 1);
    const result = await fakeClient().submit({ jar: ZIP_BYTES, parallelism: 4, checkSlots: false, until: 'SUBMITTED' });
    expect(result.jarId).toBe(JAR_ID);
    expect(methods()).not.toContain('GET /v1/taskmanagers');
  });

  it('uploads, runs and waits until all tasks run', async () => {
    healthyCluster();
    const result = await fakeClient().submit({ jar: ZIP_BYTES, parallelism: 2, args: ['--n', '3'] });
    expect(result).toMatchObject({ jarId: JAR_ID, state: 'RUNNING' });
    expect(result.jobId).toMatch(/^[0-9a-f]{32}$/);
    expect(result.job?.allTasksRunning).toBe(true);
    expect(methods()).toEqual([
      'GET /v1/taskmanagers',
      'POST /v1/jars/upload',
      `POST /v1/jars/${JAR_ID}/run`,
      'GET /v1/jobs/overview', // tasks still SCHEDULED
      'GET /v1/jobs/overview', // all tasks RUNNING
      'GET /v1/jobs/<job>', // the details returned
    ]);
  });

  it("until: 'SUBMITTED' returns the state right after the run", async () => {
    healthyCluster();
    const result = await fakeClient().submit({ jar: ZIP_BYTES, until: 'SUBMITTED' });
    expect(result).toMatchObject({ jarId: JAR_ID, state: 'CREATED', job: undefined });
    expect(methods()).toEqual(['POST /v1/jars/upload', `POST /v1/jars/${JAR_ID}/run`, 'GET /v1/jobs/<job>/status']);
  });

  it('a run that fails after the upload deletes the uploaded jar and throws the run error', async () => {
    healthyCluster();
    runFails();
    const error = await caught(fakeClient().submit({ jar: ZIP_BYTES, parallelism: 2 }), FlinkApiError);
    expect(error.status).toBe(500);
    expect(error.rootCause).toBe('ClassNotFoundException: com.acme.Main');
    expect(methods()).toEqual(['GET /v1/taskmanagers', 'POST /v1/jars/upload', `POST /v1/jars/${JAR_ID}/run`, `DELETE /v1/jars/${JAR_ID}`]);
  });

  it('keepJar: true keeps the uploaded jar when the run fails', async () => {
    healthyCluster();
    runFails();
    await caught(fakeClient().submit({ jar: ZIP_BYTES, keepJar: true }), FlinkApiError);
    expect(methods()).toEqual(['POST /v1/jars/upload', `POST /v1/jars/${JAR_ID}/run`]);
  });

  it('a job that fails while awaited deletes the jar too', async () => {
    healthyCluster();
    flink.use(
      route.post(`/jars/${JAR_ID}/run`, async ({ request }) => {
        const { jobId } = (await request.json()) as { jobId: string };
        flink.use(
          ...scriptedJob([jobDetails('FAILED', ['FAILED'], jobId)], { noDetails: true }),
          route.get(`/jobs/${jobId}/exceptions`, () => Response.json(jobExceptions())),
        );
        return Response.json({ jobid: jobId });
      }),
    );
    const error = await caught(fakeClient().submit({ jar: ZIP_BYTES }), FlinkJobFailedError);
    expect(error.rootCause).toBe('ArithmeticException: / by zero');
    expect(methods()).toContain(`DELETE /v1/jars/${JAR_ID}`);
  });

  it('a jar given by id is neither uploaded nor deleted', async () => {
    runFails();
    await caught(fakeClient().submit({ jar: { id: JAR_ID } }), FlinkApiError);
    expect(methods()).toEqual([`POST /v1/jars/${JAR_ID}/run`]);
  });

  it('a failing delete does not hide the run error', async () => {
    healthyCluster();
    runFails();
    flink.use(route.delete(`/jars/${JAR_ID}`, () => Response.json(flinkErrors('boom'), { status: 500 })));
    const error = await caught(fakeClient().submit({ jar: ZIP_BYTES }), FlinkApiError);
    expect(error.rootCause).toBe('ClassNotFoundException: com.acme.Main');
    expect(methods()).toContain(`DELETE /v1/jars/${JAR_ID}`);
  });

  it('a failed upload deletes nothing', async () => {
    flink.use(route.post('/jars/upload', () => Response.json(flinkErrors('Only Jar files are allowed.'), { status: 400 })));
    await caught(fakeClient().submit({ jar: ZIP_BYTES }), FlinkApiError);
    expect(methods()).toEqual(['POST /v1/jars/upload']);
  });

  it('an abort ends the wait with the reason and still deletes the jar', async () => {
    healthyCluster();
    const controller = new AbortController();
    const reason = new Error('user cancelled');
    flink.use(
      route.post(`/jars/${JAR_ID}/run`, async ({ request }) => {
        const { jobId } = (await request.json()) as { jobId: string };
        flink.use(...scriptedJob([jobDetails('CREATED', ['CREATED'], jobId)], { noDetails: true, onLook: () => controller.abort(reason) }));
        return Response.json({ jobid: jobId });
      }),
    );
    await expect(fakeClient().submit({ jar: ZIP_BYTES, signal: controller.signal })).rejects.toBe(reason);
    expect(methods()).toContain(`DELETE /v1/jars/${JAR_ID}`);
  });
});
