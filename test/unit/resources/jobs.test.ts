import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { FlinkNotFoundError } from '../../../src/errors/api-errors.js';
import { FlinkJobFailedError } from '../../../src/errors/domain-errors.js';
import { FlinkInputError } from '../../../src/errors/flink-error.js';
import { FlinkTimeoutError } from '../../../src/errors/transport-errors.js';
import { caught } from '../../fakes/caught.js';
import { flinkErrors, internalServerError, JOB_ID, jobDetails, jobExceptions, vertex } from '../../fakes/flink-replies.js';
import { api, fakeClient, inOrder, useFakeFlink } from '../../fakes/msw.js';

const flink = useFakeFlink();
const { server } = flink;

/** Fast polling for waitFor tests. */
const fast = { pollIntervalMs: 5 };

describe('job ids are checked before any request', () => {
  const client = fakeClient();
  const calls: Array<[string, (id: string) => Promise<unknown>]> = [
    ['get', (id) => client.jobs.get(id)],
    ['status', (id) => client.jobs.status(id)],
    ['exceptions', (id) => client.jobs.exceptions(id)],
    ['cancel', (id) => client.jobs.cancel(id)],
    ['waitFor', (id) => client.jobs.waitFor(id)],
  ];
  const badIds: Array<[string, string]> = [
    ['too short', 'abc'],
    ['upper case', JOB_ID.toUpperCase()],
    ['31 characters', JOB_ID.slice(1)],
    ['a path', `${JOB_ID}/../../jars`],
  ];

  describe.each(calls)('jobs.%s', (_name, call) => {
    it.each(badIds)('rejects an id that is %s with a FlinkInputError, sending nothing', async (_label, id) => {
      const error = await caught(call(id), FlinkInputError);
      expect(error.message).toContain('jobId must be 32 lower-case hex characters');
      expect(error.message).toContain(JSON.stringify(id));
      expect(flink.requests).toHaveLength(0);
    });
  });
});

describe('jobs.get / status / list / exceptions', () => {
  it('get maps the job and its vertices', async () => {
    server.use(http.get(api(`/jobs/${JOB_ID}`), () => HttpResponse.json(jobDetails('RUNNING', ['RUNNING', 'RUNNING']))));
    const job = await fakeClient().jobs.get(JOB_ID);
    expect(job).toMatchObject({ id: JOB_ID, name: 'Streaming WordCount', state: 'RUNNING', jobType: 'STREAMING', allTasksRunning: true });
    expect(job.endTime).toBeUndefined(); // -1 on the wire
    expect(job.vertices).toHaveLength(2);
    expect(job.vertices[0]).toMatchObject({ name: 'Source: numbers', parallelism: 1, status: 'RUNNING' });
    expect(job.vertices[0]?.tasks['RUNNING']).toBe(1);
  });

  it('get of an unknown job is a FlinkNotFoundError that explains job expiry', async () => {
    server.use(http.get(api(`/jobs/${JOB_ID}`), () => HttpResponse.json(flinkErrors('Job could not be found.'), { status: 404 })));
    const error = await caught(fakeClient().jobs.get(JOB_ID), FlinkNotFoundError);
    expect(error.message).toContain('Job could not be found.');
    expect(error.message).toContain('No job with that id on this cluster');
  });

  it('status returns the state, including states flink-kit does not know yet', async () => {
    server.use(http.get(api(`/jobs/${JOB_ID}/status`), inOrder({ status: 'RESTARTING' }, { status: 'SOME_FUTURE_STATE' })));
    const client = fakeClient();
    expect(await client.jobs.status(JOB_ID)).toBe('RESTARTING');
    expect(await client.jobs.status(JOB_ID)).toBe('SOME_FUTURE_STATE');
  });

  it('list maps /jobs/overview with upper-case task counts', async () => {
    server.use(
      http.get(api('/jobs/overview'), () =>
        HttpResponse.json({
          jobs: [
            {
              jid: JOB_ID,
              name: 'WordCount',
              state: 'FINISHED',
              'start-time': 1_795_248_721_128,
              'end-time': 1_795_248_737_039,
              duration: 15_911,
              'last-modification': 1_795_248_737_039,
              tasks: {
                running: 0,
                canceling: 0,
                canceled: 0,
                total: 2,
                created: 0,
                scheduled: 0,
                deploying: 0,
                reconciling: 0,
                finished: 2,
                initializing: 0,
                failed: 0,
              },
            },
          ],
        }),
      ),
    );
    const [job] = await fakeClient().jobs.list();
    expect(job).toMatchObject({ id: JOB_ID, state: 'FINISHED', durationMs: 15_911 });
    expect(job?.tasks['FINISHED']).toBe(2);
    expect(job?.tasks['TOTAL']).toBe(2);
  });

  it('exceptions takes the root cause from exceptionHistory and sends maxExceptions', async () => {
    server.use(http.get(api(`/jobs/${JOB_ID}/exceptions`), () => HttpResponse.json(jobExceptions())));
    const exceptions = await fakeClient().jobs.exceptions(JOB_ID, { maxExceptions: 5 });
    expect(exceptions.rootCause).toBe('ArithmeticException: / by zero');
    expect(exceptions.entries[0]).toMatchObject({
      exceptionName: 'org.apache.flink.runtime.JobException',
      message: 'org.apache.flink.runtime.JobException: Recovery is suppressed by NoRestartBackoffTimeStrategy',
      taskName: 'Map -> Sink: print (1/1)#0',
      endpoint: '127.0.0.1:40000',
    });
    expect(flink.calls()).toEqual([`GET /v1/jobs/${JOB_ID}/exceptions?maxExceptions=5`]);
  });
});

describe('jobs.cancel', () => {
  it('sends PATCH ?mode=cancel and resolves on 202', async () => {
    server.use(http.patch(api(`/jobs/${JOB_ID}`), () => new HttpResponse(null, { status: 202 })));
    await expect(fakeClient().jobs.cancel(JOB_ID)).resolves.toBeUndefined();
    expect(flink.calls()).toEqual([`PATCH /v1/jobs/${JOB_ID}?mode=cancel`]);
  });

  it('resolves when the job already reached another terminal state (409)', async () => {
    server.use(
      http.patch(api(`/jobs/${JOB_ID}`), () =>
        HttpResponse.json(flinkErrors(`Job cancellation failed: Job ${JOB_ID} is in state FINISHED.`), { status: 409 }),
      ),
    );
    await expect(fakeClient().jobs.cancel(JOB_ID)).resolves.toBeUndefined();
    expect(flink.requests).toHaveLength(1);
  });

  it('rejects with a FlinkNotFoundError for an unknown job', async () => {
    server.use(http.patch(api(`/jobs/${JOB_ID}`), () => HttpResponse.json(flinkErrors('Job could not be found.'), { status: 404 })));
    await caught(fakeClient().jobs.cancel(JOB_ID), FlinkNotFoundError);
  });

  it('retries a cancel that timed out inside the JobManager (408)', async () => {
    let calls = 0;
    server.use(
      http.patch(api(`/jobs/${JOB_ID}`), () =>
        ++calls === 1
          ? HttpResponse.json(flinkErrors('Job cancellation timed out.'), { status: 408 })
          : new HttpResponse(null, { status: 202 }),
      ),
    );
    await fakeClient().jobs.cancel(JOB_ID);
    expect(calls).toBe(2);
  });
});

describe('jobs.waitFor', () => {
  const detailsRoute = `GET /v1/jobs/${JOB_ID}`;
  const looks = () => flink.calls().filter((c) => c === detailsRoute).length;

  it('RUNNING counts only once every vertex runs', async () => {
    server.use(
      http.get(
        api(`/jobs/${JOB_ID}`),
        inOrder(jobDetails('RUNNING', ['RUNNING', 'SCHEDULED']), jobDetails('RUNNING', ['RUNNING', 'RUNNING'])),
      ),
    );
    const job = await fakeClient().jobs.waitFor(JOB_ID, { until: 'RUNNING', ...fast });
    expect(job.vertices.map((v) => v.status)).toEqual(['RUNNING', 'RUNNING']);
    expect(looks()).toBe(2);
  });

  it('RUNNING counts only once every subtask runs, though Flink calls a half-scheduled vertex RUNNING', async () => {
    const halfScheduled = vertex('Map', 'RUNNING', { parallelism: 2, tasks: { RUNNING: 1, SCHEDULED: 1 } });
    const allRunning = vertex('Map', 'RUNNING', { parallelism: 2 });
    server.use(http.get(api(`/jobs/${JOB_ID}`), inOrder(jobDetails('RUNNING', [halfScheduled]), jobDetails('RUNNING', [allRunning]))));
    const job = await fakeClient().jobs.waitFor(JOB_ID, { until: 'RUNNING', ...fast });
    expect(job.vertices[0]?.tasks['RUNNING']).toBe(2);
    expect(looks()).toBe(2);
  });

  it('with allTasksRunning: false, the job state alone decides', async () => {
    server.use(http.get(api(`/jobs/${JOB_ID}`), inOrder(jobDetails('RUNNING', ['RUNNING', 'SCHEDULED']))));
    const job = await fakeClient().jobs.waitFor(JOB_ID, { until: 'RUNNING', allTasksRunning: false, ...fast });
    expect(job.allTasksRunning).toBe(false);
    expect(looks()).toBe(1);
  });

  it('FINISHED vertices count as done alongside RUNNING ones', async () => {
    server.use(http.get(api(`/jobs/${JOB_ID}`), inOrder(jobDetails('RUNNING', ['FINISHED', 'RUNNING']))));
    await expect(fakeClient().jobs.waitFor(JOB_ID, { until: 'RUNNING', ...fast })).resolves.toMatchObject({ allTasksRunning: true });
  });

  it('by default waits for any terminal state', async () => {
    server.use(
      http.get(api(`/jobs/${JOB_ID}`), inOrder(jobDetails('RUNNING'), jobDetails('RUNNING'), jobDetails('FINISHED', ['FINISHED']))),
    );
    await expect(fakeClient().jobs.waitFor(JOB_ID, fast)).resolves.toMatchObject({ state: 'FINISHED' });
    expect(looks()).toBe(3);
  });

  it('FAILED while waiting for RUNNING is a FlinkJobFailedError with the root cause from the exception history', async () => {
    server.use(
      http.get(api(`/jobs/${JOB_ID}`), inOrder(jobDetails('INITIALIZING', []), jobDetails('FAILED', ['FAILED']))),
      http.get(api(`/jobs/${JOB_ID}/exceptions`), () => HttpResponse.json(jobExceptions())),
    );
    const error = await caught(fakeClient().jobs.waitFor(JOB_ID, { until: 'RUNNING', ...fast }), FlinkJobFailedError);
    expect(error.jobId).toBe(JOB_ID);
    expect(error.state).toBe('FAILED');
    expect(error.rootCause).toBe('ArithmeticException: / by zero');
    expect(error.message).toBe(
      `job ${JOB_ID} (Streaming WordCount) ended FAILED while waiting for RUNNING: ArithmeticException: / by zero`,
    );
  });

  it('FAILED is still a FlinkJobFailedError when the exception history cannot be read', async () => {
    server.use(
      http.get(api(`/jobs/${JOB_ID}`), inOrder(jobDetails('FAILED', ['FAILED']))),
      http.get(api(`/jobs/${JOB_ID}/exceptions`), () =>
        HttpResponse.json(internalServerError('java.lang.NullPointerException'), { status: 500 }),
      ),
    );
    const error = await caught(fakeClient().jobs.waitFor(JOB_ID, { until: 'RUNNING', ...fast }), FlinkJobFailedError);
    expect(error.rootCause).toBeUndefined();
    expect(error.message).toBe(`job ${JOB_ID} (Streaming WordCount) ended FAILED while waiting for RUNNING`);
  });

  it('CANCELED while waiting for FINISHED is a FlinkJobFailedError, without reading exceptions', async () => {
    server.use(http.get(api(`/jobs/${JOB_ID}`), inOrder(jobDetails('CANCELED', ['CANCELED']))));
    const error = await caught(fakeClient().jobs.waitFor(JOB_ID, { until: 'FINISHED', ...fast }), FlinkJobFailedError);
    expect(error.state).toBe('CANCELED');
    expect(flink.calls()).toEqual([detailsRoute]);
  });

  it('waiting for FAILED resolves when the job fails', async () => {
    server.use(http.get(api(`/jobs/${JOB_ID}`), inOrder(jobDetails('FAILED', ['FAILED']))));
    await expect(fakeClient().jobs.waitFor(JOB_ID, { until: 'FAILED', ...fast })).resolves.toMatchObject({ state: 'FAILED' });
  });

  it('a timeout is a FlinkTimeoutError that names the state and tasks last seen', async () => {
    server.use(http.get(api(`/jobs/${JOB_ID}`), inOrder(jobDetails('RUNNING', ['RUNNING', 'SCHEDULED']))));
    const error = await caught(fakeClient().jobs.waitFor(JOB_ID, { until: 'RUNNING', timeoutMs: 100, ...fast }), FlinkTimeoutError);
    expect(error.timeoutMs).toBe(100);
    expect(error.message).toContain(`waiting for job ${JOB_ID} to reach RUNNING with all tasks running`);
    expect(error.message).toContain('(last seen: RUNNING, tasks: 1 RUNNING, 1 SCHEDULED)');
    expect(looks()).toBeGreaterThan(1);
  });

  it('an abort rejects with the reason and stops polling', async () => {
    const controller = new AbortController();
    const reason = new Error('user cancelled');
    server.use(
      http.get(api(`/jobs/${JOB_ID}`), () => {
        controller.abort(reason);
        return HttpResponse.json(jobDetails('CREATED', ['CREATED']));
      }),
    );
    await expect(fakeClient().jobs.waitFor(JOB_ID, { signal: controller.signal, pollIntervalMs: 60_000 })).rejects.toBe(reason);
    expect(looks()).toBe(1);
  });

  it('an unknown job ends the wait with a FlinkNotFoundError', async () => {
    server.use(http.get(api(`/jobs/${JOB_ID}`), () => HttpResponse.json(flinkErrors('Job could not be found.'), { status: 404 })));
    await caught(fakeClient().jobs.waitFor(JOB_ID, fast), FlinkNotFoundError);
  });

  it('a 503 during the wait is retried by the transport, not the end of the wait', async () => {
    let calls = 0;
    server.use(
      http.get(api(`/jobs/${JOB_ID}`), () =>
        ++calls === 1
          ? HttpResponse.json(flinkErrors('leader election'), { status: 503 })
          : HttpResponse.json(jobDetails('FINISHED', ['FINISHED'])),
      ),
    );
    await expect(fakeClient().jobs.waitFor(JOB_ID, fast)).resolves.toMatchObject({ state: 'FINISHED' });
    expect(calls).toBe(2);
  });

  it('rejects an until that is not a string', async () => {
    await caught(fakeClient().jobs.waitFor(JOB_ID, { until: 42 as unknown as 'RUNNING' }), FlinkInputError);
    expect(flink.requests).toHaveLength(0);
  });
});
