import { describe, expect, it } from 'vitest';
import { FlinkApiError, FlinkNotFoundError } from '../../../src/errors/api-errors.js';
import { FlinkJobFailedError, FlinkOperationError } from '../../../src/errors/domain-errors.js';
import { FlinkInputError } from '../../../src/errors/flink-error.js';
import { FlinkTimeoutError } from '../../../src/errors/transport-errors.js';
import { caught } from '../../fakes/caught.js';
import {
  flinkErrors,
  internalServerError,
  JOB_ID,
  jobDetails,
  jobExceptions,
  jobStatusNotFoundErrors,
  jobsOverviewReply,
  MKDIRS_TRACE,
  OTHER_JOB_ID,
  operationFailed,
  operationInProgress,
  SAVEPOINT_PATH,
  savepointCompleted,
  stopFailedAfterSavepointTrace,
  TRIGGER_ID,
  triggerReply,
  vertex,
} from '../../fakes/flink-replies.js';
import { fakeClient, inOrder, route, scriptedJob, simulated, useFakeFlink } from '../../fakes/mock-flink.js';

const flink = useFakeFlink();

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
    flink.use(route.get(`/jobs/${JOB_ID}`, () => Response.json(jobDetails('RUNNING', ['RUNNING', 'RUNNING']))));
    const job = await fakeClient().jobs.get(JOB_ID);
    expect(job).toMatchObject({ id: JOB_ID, name: 'Streaming WordCount', state: 'RUNNING', jobType: 'STREAMING', allTasksRunning: true });
    expect(job.endTime).toBeUndefined(); // -1 on the wire
    expect(job.vertices).toHaveLength(2);
    expect(job.vertices[0]).toMatchObject({ name: 'Source: numbers', parallelism: 1, status: 'RUNNING' });
    expect(job.vertices[0]?.tasks['RUNNING']).toBe(1);
  });

  it('get of an unknown job is a FlinkNotFoundError that explains job expiry', async () => {
    flink.use(route.get(`/jobs/${JOB_ID}`, () => Response.json(flinkErrors('Job could not be found.'), { status: 404 })));
    const error = await caught(fakeClient().jobs.get(JOB_ID), FlinkNotFoundError);
    expect(error.message).toContain('Job could not be found.');
    expect(error.message).toContain('No job with that id on this cluster');
  });

  it('status returns the state, including states flink-kit does not know yet', async () => {
    flink.use(route.get(`/jobs/${JOB_ID}/status`, inOrder({ status: 'RESTARTING' }, { status: 'SOME_FUTURE_STATE' })));
    const client = fakeClient();
    expect(await client.jobs.status(JOB_ID)).toBe('RESTARTING');
    expect(await client.jobs.status(JOB_ID)).toBe('SOME_FUTURE_STATE');
  });

  it('status of an unknown job: the 500 FlinkJobNotFoundException of Flink 1.18-1.20 is a FlinkNotFoundError with the job hint', async () => {
    flink.use(route.get(`/jobs/${JOB_ID}/status`, () => Response.json(jobStatusNotFoundErrors(JOB_ID), { status: 500 })));
    const error = await caught(fakeClient().jobs.status(JOB_ID), FlinkNotFoundError);
    expect(error.status).toBe(404);
    expect(error.message).toContain('No job with that id on this cluster');
    expect(error.rootCause).toBe(`FlinkJobNotFoundException: Could not find Flink job (${JOB_ID})`);
  });

  it('status: other 500s stay FlinkApiErrors', async () => {
    flink.use(
      route.get(`/jobs/${JOB_ID}/status`, () => Response.json(internalServerError('java.lang.NullPointerException'), { status: 500 })),
    );
    const error = await caught(fakeClient().jobs.status(JOB_ID), FlinkApiError);
    expect(error).not.toBeInstanceOf(FlinkNotFoundError);
    expect(error.status).toBe(500);
  });

  it('list maps /jobs/overview with upper-case task counts', async () => {
    flink.use(
      route.get('/jobs/overview', () =>
        Response.json({
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
    flink.use(route.get(`/jobs/${JOB_ID}/exceptions`, () => Response.json(jobExceptions())));
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
    flink.use(route.patch(`/jobs/${JOB_ID}`, () => new Response(null, { status: 202 })));
    await expect(fakeClient().jobs.cancel(JOB_ID)).resolves.toBeUndefined();
    expect(flink.calls()).toEqual([`PATCH /v1/jobs/${JOB_ID}?mode=cancel`]);
  });

  it('resolves when the job already reached another terminal state (409)', async () => {
    flink.use(
      route.patch(`/jobs/${JOB_ID}`, () =>
        Response.json(flinkErrors(`Job cancellation failed: Job ${JOB_ID} is in state FINISHED.`), { status: 409 }),
      ),
    );
    await expect(fakeClient().jobs.cancel(JOB_ID)).resolves.toBeUndefined();
    expect(flink.requests).toHaveLength(1);
  });

  it('rejects with a FlinkNotFoundError for an unknown job', async () => {
    flink.use(route.patch(`/jobs/${JOB_ID}`, () => Response.json(flinkErrors('Job could not be found.'), { status: 404 })));
    await caught(fakeClient().jobs.cancel(JOB_ID), FlinkNotFoundError);
  });

  it('retries a cancel that timed out inside the JobManager (408)', async () => {
    let calls = 0;
    flink.use(
      route.patch(`/jobs/${JOB_ID}`, () =>
        ++calls === 1 ? Response.json(flinkErrors('Job cancellation timed out.'), { status: 408 }) : new Response(null, { status: 202 }),
      ),
    );
    await fakeClient().jobs.cancel(JOB_ID);
    expect(calls).toBe(2);
  });
});

describe('jobs.waitFor', () => {
  const overviewRoute = 'GET /v1/jobs/overview';
  const detailsRoute = `GET /v1/jobs/${JOB_ID}`;
  const statusRoute = `GET /v1/jobs/${JOB_ID}/status`;
  /** Looks at the live state: requests of the overview. */
  const looks = () => flink.calls().filter((c) => c === overviewRoute).length;

  it.each(['SCHEDULED', 'DEPLOYING', 'CREATED', 'INITIALIZING'])(
    'RUNNING counts only once every task runs (not while one is %s), and the details are read once at the end',
    async (waiting) => {
      flink.use(
        ...scriptedJob([jobDetails('RUNNING', ['RUNNING', waiting]), jobDetails('RUNNING', ['RUNNING', 'RUNNING'])], {
          alongside: [jobDetails('RUNNING', ['RUNNING'], OTHER_JOB_ID)],
        }),
      );
      const job = await fakeClient().jobs.waitFor(JOB_ID, { until: 'RUNNING', ...fast });
      expect(job).toMatchObject({ id: JOB_ID, state: 'RUNNING', allTasksRunning: true });
      expect(job.vertices.map((v) => v.status)).toEqual(['RUNNING', 'RUNNING']); // from GET /jobs/:id
      expect(flink.calls()).toEqual([overviewRoute, overviewRoute, detailsRoute]);
    },
  );

  it('RUNNING counts only once every subtask runs, though Flink calls a half-scheduled vertex RUNNING', async () => {
    const halfScheduled = vertex('Map', 'RUNNING', { parallelism: 2, tasks: { RUNNING: 1, SCHEDULED: 1 } });
    const allRunning = vertex('Map', 'RUNNING', { parallelism: 2 });
    flink.use(...scriptedJob([jobDetails('RUNNING', [halfScheduled]), jobDetails('RUNNING', [allRunning])]));
    const job = await fakeClient().jobs.waitFor(JOB_ID, { until: 'RUNNING', ...fast });
    expect(job.vertices[0]?.tasks['RUNNING']).toBe(2);
    expect(looks()).toBe(2);
  });

  it('rides out a JobManager that does not answer for a while (a failover), then sees the job run', async () => {
    const running = jobDetails('RUNNING', ['RUNNING']);
    let look = 0;
    flink.use(
      route.get('/jobs/overview', () => {
        look++;
        if (look <= 2) return Response.error(); // connection refused / reset
        if (look === 3)
          return Response.json(flinkErrors('Service temporarily unavailable due to an ongoing leader election.'), { status: 503 });
        return Response.json(jobsOverviewReply(running));
      }),
      route.get(`/jobs/${JOB_ID}`, () => Response.json(running)),
    );
    const job = await fakeClient({ retry: false }).jobs.waitFor(JOB_ID, { until: 'RUNNING', ...fast });
    expect(job.state).toBe('RUNNING');
    expect(look).toBe(4);
  });

  it('a JobManager that never comes back is a FlinkTimeoutError at the deadline that says so', async () => {
    flink.use(route.get('/jobs/overview', () => Response.error()));
    const error = await caught(
      fakeClient({ retry: false }).jobs.waitFor(JOB_ID, { until: 'RUNNING', waitTimeoutMs: 50, ...fast }),
      FlinkTimeoutError,
    );
    expect(error.message).toContain('last seen: no answer: no HTTP reply');
  });

  it('RUNNING does not count while the job has no running task yet', async () => {
    flink.use(...scriptedJob([jobDetails('RUNNING', []), jobDetails('RUNNING', ['RUNNING'])]));
    await expect(fakeClient().jobs.waitFor(JOB_ID, { until: 'RUNNING', ...fast })).resolves.toMatchObject({ allTasksRunning: true });
    expect(looks()).toBe(2);
  });

  it('with allTasksRunning: false, the job state alone decides', async () => {
    flink.use(...scriptedJob([jobDetails('RUNNING', ['RUNNING', 'SCHEDULED'])]));
    const job = await fakeClient().jobs.waitFor(JOB_ID, { until: 'RUNNING', allTasksRunning: false, ...fast });
    expect(job.state).toBe('RUNNING');
    expect(job.allTasksRunning).toBe(false);
    expect(looks()).toBe(1);
  });

  it('FINISHED tasks count as done alongside RUNNING ones', async () => {
    flink.use(...scriptedJob([jobDetails('RUNNING', ['FINISHED', 'RUNNING'])]));
    await expect(fakeClient().jobs.waitFor(JOB_ID, { until: 'RUNNING', ...fast })).resolves.toMatchObject({ allTasksRunning: true });
    expect(looks()).toBe(1);
  });

  it('by default waits for any terminal state', async () => {
    flink.use(...scriptedJob([jobDetails('RUNNING'), jobDetails('RUNNING'), jobDetails('FINISHED', ['FINISHED'])]));
    await expect(fakeClient().jobs.waitFor(JOB_ID, fast)).resolves.toMatchObject({ state: 'FINISHED' });
    expect(looks()).toBe(3);
  });

  it.each([
    ['FINISHED', 'FINISHED'],
    ['TERMINAL', 'FINISHED'],
    ['CANCELED', 'CANCELED'],
  ] as const)('waiting for %s returns the state seen live, though the cached details still say RUNNING', async (until, live) => {
    flink.use(...scriptedJob([jobDetails('RUNNING'), jobDetails(live, [live])]));
    flink.use(route.get(`/jobs/${JOB_ID}`, () => Response.json(jobDetails('RUNNING', ['RUNNING', 'RUNNING']))));
    const job = await fakeClient().jobs.waitFor(JOB_ID, { until, ...fast });
    expect(job.state).toBe(live);
    expect(job.vertices.map((v) => v.status)).toEqual(['RUNNING', 'RUNNING']); // the rest is the details as read
    expect(flink.calls()).toEqual([overviewRoute, overviewRoute, detailsRoute]);
  });

  it('a bounded job that FINISHED before it was seen running satisfies RUNNING (it ran), with its state', async () => {
    flink.use(...scriptedJob([jobDetails('INITIALIZING', []), jobDetails('FINISHED', ['FINISHED'])]));
    const job = await fakeClient().jobs.waitFor(JOB_ID, { until: 'RUNNING', ...fast });
    expect(job.state).toBe('FINISHED');
    expect(flink.calls()).toEqual([overviewRoute, overviewRoute, detailsRoute]);
  });

  it('FAILED while waiting for RUNNING is a FlinkJobFailedError with the root cause from the exception history', async () => {
    flink.use(
      ...scriptedJob([jobDetails('INITIALIZING', []), jobDetails('FAILED', ['FAILED'])], { noDetails: true }),
      route.get(`/jobs/${JOB_ID}/exceptions`, () => Response.json(jobExceptions())),
    );
    const error = await caught(fakeClient().jobs.waitFor(JOB_ID, { until: 'RUNNING', ...fast }), FlinkJobFailedError);
    expect(error.jobId).toBe(JOB_ID);
    expect(error.state).toBe('FAILED');
    expect(error.rootCause).toBe('ArithmeticException: / by zero');
    expect(error.message).toBe(
      `job ${JOB_ID} (Streaming WordCount) ended FAILED while waiting for RUNNING: ArithmeticException: / by zero`,
    );
    expect(flink.calls()).toEqual([overviewRoute, overviewRoute, `GET /v1/jobs/${JOB_ID}/exceptions`]);
  });

  it('FAILED is still a FlinkJobFailedError when the exception history cannot be read', async () => {
    flink.use(
      ...scriptedJob([jobDetails('FAILED', ['FAILED'])], { noDetails: true }),
      route.get(`/jobs/${JOB_ID}/exceptions`, () => Response.json(internalServerError('java.lang.NullPointerException'), { status: 500 })),
    );
    const error = await caught(fakeClient().jobs.waitFor(JOB_ID, { until: 'RUNNING', ...fast }), FlinkJobFailedError);
    expect(error.rootCause).toBeUndefined();
    expect(error.message).toBe(`job ${JOB_ID} (Streaming WordCount) ended FAILED while waiting for RUNNING`);
  });

  it('CANCELED while waiting for FINISHED is a FlinkJobFailedError, without reading exceptions', async () => {
    flink.use(...scriptedJob([jobDetails('CANCELED', ['CANCELED'])], { noDetails: true }));
    const error = await caught(fakeClient().jobs.waitFor(JOB_ID, { until: 'FINISHED', ...fast }), FlinkJobFailedError);
    expect(error.state).toBe('CANCELED');
    expect(flink.calls()).toEqual([overviewRoute]);
  });

  it('waiting for FAILED resolves when the job fails', async () => {
    flink.use(...scriptedJob([jobDetails('FAILED', ['FAILED'])]));
    await expect(fakeClient().jobs.waitFor(JOB_ID, { until: 'FAILED', ...fast })).resolves.toMatchObject({ state: 'FAILED' });
  });

  it('a timeout is a FlinkTimeoutError that names the state and tasks last seen', async () => {
    flink.use(...scriptedJob([jobDetails('RUNNING', ['RUNNING', 'SCHEDULED'])], { noDetails: true }));
    const error = await caught(fakeClient().jobs.waitFor(JOB_ID, { until: 'RUNNING', waitTimeoutMs: 100, ...fast }), FlinkTimeoutError);
    expect(error.timeoutMs).toBe(100);
    expect(error.message).toContain(`waiting for job ${JOB_ID} to reach RUNNING with all tasks running`);
    expect(error.message).toContain('(last seen: RUNNING, tasks: 1 SCHEDULED, 1 RUNNING)');
    expect(looks()).toBeGreaterThan(1);
    expect(flink.calls()).not.toContain(detailsRoute);
  });

  it('an abort rejects with the reason and stops polling', async () => {
    const controller = new AbortController();
    const reason = new Error('user cancelled');
    flink.use(...scriptedJob([jobDetails('CREATED', ['CREATED'])], { noDetails: true, onLook: () => controller.abort(reason) }));
    await expect(fakeClient().jobs.waitFor(JOB_ID, { signal: controller.signal, pollIntervalMs: 60_000 })).rejects.toBe(reason);
    expect(flink.calls()).toEqual([overviewRoute]);
  });

  it('a job not listed in the overview yet but known to the status route keeps being polled', async () => {
    flink.use(
      ...scriptedJob([null, null, jobDetails('RUNNING', ['RUNNING'])]),
      route.get(`/jobs/${JOB_ID}/status`, () => Response.json({ status: 'INITIALIZING' })),
    );
    await expect(fakeClient().jobs.waitFor(JOB_ID, { until: 'RUNNING', ...fast })).resolves.toMatchObject({ state: 'RUNNING' });
    expect(flink.calls()).toEqual([overviewRoute, statusRoute, overviewRoute, statusRoute, overviewRoute, detailsRoute]);
  });

  it('a job never listed times out naming the state the status route reported', async () => {
    flink.use(
      ...scriptedJob([null], { noDetails: true }),
      route.get(`/jobs/${JOB_ID}/status`, () => Response.json({ status: 'INITIALIZING' })),
    );
    const error = await caught(fakeClient().jobs.waitFor(JOB_ID, { until: 'RUNNING', waitTimeoutMs: 50, ...fast }), FlinkTimeoutError);
    expect(error.message).toContain('(last seen: INITIALIZING)');
  });

  it('an unknown job (not listed, 404 on the status route) ends the wait with a FlinkNotFoundError', async () => {
    flink.use(
      ...scriptedJob([null], { noDetails: true, alongside: [jobDetails('FINISHED', ['FINISHED'], OTHER_JOB_ID)] }),
      route.get(`/jobs/${JOB_ID}/status`, () => Response.json(flinkErrors('Job could not be found.'), { status: 404 })),
    );
    const error = await caught(fakeClient().jobs.waitFor(JOB_ID, { waitTimeoutMs: 2_000, ...fast }), FlinkNotFoundError);
    expect(error.message).toContain('No job with that id on this cluster');
    expect(flink.calls()).toEqual([overviewRoute, statusRoute]);
  });

  it('an unknown job (not listed, 500 FlinkJobNotFoundException on the status route of Flink 1.18-1.20) is a FlinkNotFoundError', async () => {
    flink.use(
      ...scriptedJob([null], { noDetails: true }),
      route.get(`/jobs/${JOB_ID}/status`, () => Response.json(jobStatusNotFoundErrors(JOB_ID), { status: 500 })),
    );
    const error = await caught(fakeClient().jobs.waitFor(JOB_ID, { until: 'RUNNING', waitTimeoutMs: 2_000, ...fast }), FlinkNotFoundError);
    expect(error.status).toBe(404);
    expect(error.message).toContain('No job with that id on this cluster');
    expect(error.rootCause).toBe(`FlinkJobNotFoundException: Could not find Flink job (${JOB_ID})`);
    expect(flink.calls()).toEqual([overviewRoute, statusRoute]);
  });

  it('a 503 during the wait is retried by the transport, not the end of the wait', async () => {
    let calls = 0;
    flink.use(...scriptedJob([jobDetails('FINISHED', ['FINISHED'])]));
    flink.use(
      route.get('/jobs/overview', () => (++calls === 1 ? Response.json(flinkErrors('leader election'), { status: 503 }) : undefined)),
    );
    await expect(fakeClient().jobs.waitFor(JOB_ID, fast)).resolves.toMatchObject({ state: 'FINISHED' });
    expect(calls).toBe(2);
  });

  it('rejects an until that is not a string', async () => {
    await caught(fakeClient().jobs.waitFor(JOB_ID, { until: 42 as unknown as 'RUNNING' }), FlinkInputError);
    expect(flink.requests).toHaveLength(0);
  });
});

describe('jobs.stop', () => {
  const stopRoute = `POST /v1/jobs/${JOB_ID}/stop`;
  const detailsRoute = `GET /v1/jobs/${JOB_ID}`;
  const statusRoute = `GET /v1/jobs/${JOB_ID}/status`;

  /** Looks at the job's state, through the details or the overview route, whichever waitFor polls. */
  const isLook = (call: string) => call === detailsRoute || call === 'GET /v1/jobs/overview';
  /** The calls with each run of looks at the job's state collapsed into one `LOOK`. */
  const collapsedCalls = () =>
    flink
      .calls()
      .map((c) => (isLook(c) ? 'LOOK' : c))
      .filter((c, i, all) => c !== 'LOOK' || all[i - 1] !== 'LOOK');

  /**
   * Accepts the stop POST (keeping its bodies) and scripts the savepoint status and the job's states
   * (`jobDetails` replies, one per look at the details or the overview route, the last repeated).
   */
  function stopping(
    statuses: unknown[],
    states: Array<Record<string, unknown>> = [jobDetails('FINISHED', ['FINISHED'])],
  ): Array<Record<string, unknown>> {
    const bodies: Array<Record<string, unknown>> = [];
    let look = 0;
    const nextState = () => states[Math.min(look++, states.length - 1)] as Record<string, unknown>;
    flink.use(
      ...simulated(
        route.post(`/jobs/${JOB_ID}/stop`, async ({ request }) => {
          const body = (await request.json()) as Record<string, unknown>;
          bodies.push(body);
          return Response.json(triggerReply(body['triggerId'] as string), { status: 202 });
        }),
        route.get(`/jobs/${JOB_ID}/savepoints/:triggerId`, inOrder(...statuses)),
        route.get(`/jobs/${JOB_ID}`, () => Response.json(nextState())),
        route.get('/jobs/overview', () => Response.json(jobsOverviewReply(nextState()))),
        route.get(`/jobs/${JOB_ID}/exceptions`, () => Response.json(jobExceptions())),
        route.get(`/jobs/${JOB_ID}/status`, () => Response.json({ status: 'RUNNING' })),
      ),
    );
    return bodies;
  }

  it('sends camelCase targetDirectory, drain, formatType and triggerId, polls the savepoint, waits for FINISHED', async () => {
    const bodies = stopping([operationInProgress(), savepointCompleted()], [jobDetails('RUNNING'), jobDetails('FINISHED', ['FINISHED'])]);
    const result = await fakeClient().jobs.stop(JOB_ID, {
      targetDirectory: 's3://bucket/sp',
      drain: true,
      formatType: 'NATIVE',
      triggerId: TRIGGER_ID,
      ...fast,
    });
    expect(result).toEqual({ savepointPath: SAVEPOINT_PATH });
    expect(bodies).toEqual([{ targetDirectory: 's3://bucket/sp', drain: true, formatType: 'NATIVE', triggerId: TRIGGER_ID }]);
    const savepointRoute = `GET /v1/jobs/${JOB_ID}/savepoints/${TRIGGER_ID}`;
    expect(collapsedCalls()).toEqual([statusRoute, stopRoute, savepointRoute, savepointRoute, 'LOOK']);
    expect(flink.calls().filter(isLook).length).toBeGreaterThanOrEqual(2); // RUNNING, then FINISHED
  });

  it('defaults: drain false, a fresh triggerId, no targetDirectory or formatType', async () => {
    const bodies = stopping([savepointCompleted()]);
    await fakeClient().jobs.stop(JOB_ID, fast);
    expect(Object.keys(bodies[0] ?? {}).sort()).toEqual(['drain', 'triggerId']);
    expect(bodies[0]?.['drain']).toBe(false);
    expect(bodies[0]?.['triggerId']).toMatch(/^[0-9a-f]{32}$/);
    expect(flink.calls().slice(0, 3)).toEqual([statusRoute, stopRoute, `GET /v1/jobs/${JOB_ID}/savepoints/${bodies[0]?.['triggerId']}`]);
  });

  it('retries the stop POST after a dropped connection with the same triggerId', async () => {
    const bodies: unknown[] = [];
    stopping([savepointCompleted()]);
    flink.use(
      route.post(`/jobs/${JOB_ID}/stop`, async ({ request }) => {
        const body = (await request.json()) as Record<string, unknown>;
        bodies.push(body);
        return bodies.length === 1 ? Response.error() : Response.json(triggerReply(body['triggerId'] as string), { status: 202 });
      }),
    );
    await fakeClient().jobs.stop(JOB_ID, fast);
    expect(bodies).toHaveLength(2);
    expect(bodies[0]).toEqual(bodies[1]);
  });

  it('a savepoint written but a job that then ends FAILED is a FlinkOperationError that keeps the savepoint path', async () => {
    stopping([savepointCompleted()], [jobDetails('RUNNING'), jobDetails('FAILED', ['FAILED'])]);
    const error = await caught(fakeClient().jobs.stop(JOB_ID, fast), FlinkOperationError);
    expect(error.operation).toBe('stop');
    expect(error.savepointPath).toBe(SAVEPOINT_PATH);
    expect(error.rootCause).toBe('ArithmeticException: / by zero');
    expect(error.cause).toBeInstanceOf(FlinkJobFailedError);
    expect(error.message).toContain(`was written to ${SAVEPOINT_PATH}`);
    expect(error.message).toContain('ended FAILED instead of FINISHED; restore from the savepoint');
  });

  it.each([
    ['Flink 1.20 wording', stopFailedAfterSavepointTrace(JOB_ID, 'file:/sp/savepoint-1')],
    [
      'a space before the comma',
      `org.apache.flink.runtime.scheduler.stopwithsavepoint.StopWithSavepointStoppingException: A savepoint has been created at: file:/sp/savepoint-1 , but the corresponding job ${JOB_ID} failed during stopping.`,
    ],
  ])('FLINK-33522 (%s): the failure names where the savepoint was written, and savepointPath carries it', async (_label, trace) => {
    stopping([operationInProgress(), operationFailed(trace)]);
    const error = await caught(fakeClient().jobs.stop(JOB_ID, fast), FlinkOperationError);
    expect(error.operation).toBe('stop');
    expect(error.savepointPath).toBe('file:/sp/savepoint-1');
    expect(error.message).toContain(`stop-with-savepoint of job ${JOB_ID} failed`);
    expect(error.message).toContain(
      'The savepoint was written to file:/sp/savepoint-1 before the job failed while stopping; restore from it',
    );
    expect(flink.calls().filter(isLook)).toEqual([]); // no wait for FINISHED after a failed operation
  });

  it('a savepoint that failed (the job keeps running) is a FlinkOperationError without a savepoint path', async () => {
    stopping([operationFailed(MKDIRS_TRACE)]);
    const error = await caught(fakeClient().jobs.stop(JOB_ID, fast), FlinkOperationError);
    expect(error.savepointPath).toBeUndefined();
    expect(error.message).toMatch(
      new RegExp(`^stop-with-savepoint of job ${JOB_ID} failed: IOException: Mkdirs failed to create /proc/nope\\. Flink could not create`),
    );
  });

  it('a stop of an unknown job is a FlinkNotFoundError with the job hint, and nothing is stopped', async () => {
    flink.use(route.get(`/jobs/${JOB_ID}/status`, () => Response.json(flinkErrors('Job could not be found.'), { status: 404 })));
    const error = await caught(fakeClient().jobs.stop(JOB_ID), FlinkNotFoundError);
    expect(error.message).toContain('No job with that id on this cluster');
    expect(flink.calls()).toEqual([statusRoute]);
  });

  it('a job gone between the check and the stop (404 on the POST) is a FlinkNotFoundError with the job hint', async () => {
    stopping([savepointCompleted()]);
    flink.use(route.post(`/jobs/${JOB_ID}/stop`, () => Response.json(flinkErrors('Job could not be found.'), { status: 404 })));
    const error = await caught(fakeClient().jobs.stop(JOB_ID), FlinkNotFoundError);
    expect(error.message).toContain('No job with that id on this cluster');
    expect(flink.calls()).toEqual([statusRoute, stopRoute]);
  });

  it('a job the status route calls unknown with a 500 (Flink 1.18-1.20) is a FlinkNotFoundError, and nothing is stopped', async () => {
    flink.use(route.get(`/jobs/${JOB_ID}/status`, () => Response.json(jobStatusNotFoundErrors(JOB_ID), { status: 500 })));
    await caught(fakeClient().jobs.stop(JOB_ID), FlinkNotFoundError);
    expect(flink.calls()).toEqual([statusRoute]);
  });

  it('a job that is not RUNNING is a FlinkOperationError, and nothing is stopped', async () => {
    flink.use(route.get(`/jobs/${JOB_ID}/status`, () => Response.json({ status: 'FINISHED' })));
    const error = await caught(fakeClient().jobs.stop(JOB_ID), FlinkOperationError);
    expect(error.operation).toBe('stop');
    expect(error.message).toBe(`job ${JOB_ID} is FINISHED; stop-with-savepoint needs a RUNNING job`);
    expect(flink.calls()).toEqual([statusRoute]);
  });

  it('a job that does not reach FINISHED in time is a FlinkTimeoutError', async () => {
    stopping([savepointCompleted()], [jobDetails('RUNNING')]);
    const error = await caught(fakeClient().jobs.stop(JOB_ID, { waitTimeoutMs: 100, ...fast }), FlinkTimeoutError);
    expect(error.message).toContain(`job ${JOB_ID} to reach FINISHED`);
  });

  it.each([
    ['a malformed job id', 'abc', {}, 'jobId must be 32 lower-case hex characters'],
    ['a malformed triggerId', JOB_ID, { triggerId: 'xyz' }, 'triggerId must be 32 lower-case hex characters'],
    ['an empty targetDirectory', JOB_ID, { targetDirectory: '' }, 'targetDirectory must be a non-empty path'],
  ])('rejects %s with a FlinkInputError, sending nothing', async (_label, jobId, options, text) => {
    const error = await caught(fakeClient().jobs.stop(jobId, options), FlinkInputError);
    expect(error.message).toContain(text);
    expect(flink.requests).toHaveLength(0);
  });
});
