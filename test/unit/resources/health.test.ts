import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FlinkClient } from '../../../src/client.js';
import { FlinkNotFoundError } from '../../../src/errors/api-errors.js';
import { FlinkInputError } from '../../../src/errors/flink-error.js';
import { HealthReport } from '../../../src/schemas/health-report.js';
import { JOB_ID } from '../../fakes/flink-replies.js';
import {
  aggregates,
  BACKPRESSURE_NOT_YET,
  backpressure,
  checkpointConfig,
  checkpointStats,
  exceptionHistory,
  healthJob,
  metricList,
  NOW,
  SINK_ID,
  SOURCE_ID,
} from '../../fakes/health-replies.js';

/** Long.MIN_VALUE and MAX_VALUE as JSON.parse reads them. */
const LONG_MIN = -(2 ** 63);

const ORIGIN = 'http://flink.test:8081';
type Route = (query: URLSearchParams) => unknown;

/**
 * A fake Flink on undici's MockAgent (the transport users get): routes by path, every request
 * logged with its query, and the most requests seen in flight at once.
 */
function fakeFlink(routes: Record<string, Route>) {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const seen: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  agent
    .get(ORIGIN)
    .intercept({ path: () => true, method: 'GET' })
    .reply(async (request) => {
      const url = new URL(request.path, ORIGIN);
      const route = url.pathname.replace(/^\/v1/, '');
      seen.push(`${route}${url.search ? decodeURIComponent(url.search) : ''}`);
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await new Promise((r) => setTimeout(r, 2));
      inFlight--;
      const handler = routes[route];
      if (!handler) return { statusCode: 404, data: { errors: [`Not found: ${route}`] } };
      const body = handler(url.searchParams);
      if (!(body instanceof Response)) return { statusCode: 200, data: body as object };
      const errors =
        body.status === 500
          ? ['Internal server error.', '<Exception on server side:\njava.util.NoSuchElementException: No value present\n>']
          : ['gone'];
      return { statusCode: body.status, data: { errors } };
    })
    .persist();
  const client = new FlinkClient({ url: ORIGIN, dispatcher: agent, retry: false });
  return { client, seen, maxInFlight: () => maxInFlight, close: () => client.close() };
}

/** The routes of a running two-vertex job whose source is backpressured by a busy sink. */
function slowSinkRoutes(overrides: Record<string, Route> = {}): Record<string, Route> {
  const job = `/jobs/${JOB_ID}`;
  return {
    [job]: () => healthJob(),
    [`${job}/metrics`]: (q) =>
      q.has('get')
        ? q.get('get') === 'numRestarts'
          ? [{ id: 'numRestarts', value: '0' }]
          : []
        : metricList('uptime', 'numRestarts', 'fullRestarts'),
    [`${job}/checkpoints`]: () => checkpointStats({ completed: { id: 7, ackAt: NOW - 900 } }),
    [`${job}/checkpoints/config`]: () => checkpointConfig(1_000),
    [`${job}/exceptions`]: () => exceptionHistory([]),
    [`${job}/vertices/${SOURCE_ID}/backpressure`]: () => backpressure('high', [[0.86, 0, 0.14]]),
    [`${job}/vertices/${SINK_ID}/backpressure`]: () => backpressure('ok', [[0, 0.998, 0.002]]),
    [`${job}/vertices/${SOURCE_ID}/subtasks/metrics`]: (q) =>
      q.has('get')
        ? aggregates({
            numRecordsInPerSecond: 0,
            numRecordsOutPerSecond: 260,
            'Source__fast_source.currentOutputWatermark': LONG_MIN,
          })
        : metricList(
            'numRecordsInPerSecond',
            'numRecordsOutPerSecond',
            'busyTimeMsPerSecond',
            'Source__fast_source.currentOutputWatermark',
          ),
    [`${job}/vertices/${SINK_ID}/subtasks/metrics`]: (q) =>
      q.has('get')
        ? aggregates({ numRecordsInPerSecond: 31.35, numRecordsOutPerSecond: 0, currentInputWatermark: LONG_MIN })
        : metricList('numRecordsInPerSecond', 'numRecordsOutPerSecond', 'currentInputWatermark', 'slow_sink.numRecordsIn'),
    ...overrides,
  };
}

describe('jobs.health() requests', () => {
  let fake: ReturnType<typeof fakeFlink>;
  afterEach(() => fake.close());

  it('reads 6 + 3 x vertices routes, asks only for metrics the components have, and judges the backpressure', async () => {
    fake = fakeFlink(slowSinkRoutes());
    const report = await fake.client.jobs.health(JOB_ID);
    expect(HealthReport.parse(report)).toEqual(report);
    expect(fake.seen).toHaveLength(6 + 3 * 2);
    const queries = fake.seen.filter((s) => s.includes('?get='));
    expect(queries.sort()).toEqual([
      `/jobs/${JOB_ID}/metrics?get=numRestarts`,
      `/jobs/${JOB_ID}/vertices/${SINK_ID}/subtasks/metrics?get=numRecordsInPerSecond,numRecordsOutPerSecond,currentInputWatermark&agg=min,max,avg,sum`,
      `/jobs/${JOB_ID}/vertices/${SOURCE_ID}/subtasks/metrics?get=numRecordsInPerSecond,numRecordsOutPerSecond,Source__fast_source.currentOutputWatermark&agg=min,max,avg,sum`,
    ]);
    expect(report).toMatchObject({ status: 'degraded', restarts: 0, uptimeMs: 34_004, observedAt: NOW, metricsFetchedAt: NOW - 5_000 });
    expect(report.reasons).toEqual([
      {
        code: 'BACKPRESSURE',
        severity: 'degraded',
        vertexId: SOURCE_ID,
        vertexName: 'Source: fast source',
        message:
          "vertex Source: fast source is backpressured 86 % of the time (Flink's level: high); downstream, slow sink -> Sink: print is busy 100 %: slow sink -> Sink: print is the bottleneck. Give it more parallelism or make it faster (external calls, state access).",
      },
    ]);
    expect(report.vertices[1]).toMatchObject({
      recordsInPerSecond: 31.35,
      upstream: [SOURCE_ID],
      backpressure: { level: 'ok', busy: { max: 0.998 } },
    });
    expect(report.vertices[0]).not.toHaveProperty('watermark'); // Long.MIN_VALUE: no event time
    expect(report.checkpoints).toMatchObject({
      enabled: true,
      intervalMs: 1_000,
      lastCompleted: { id: 7, ageMs: 900 },
      allowedAgeMs: 1_200_000,
    });
  });

  it("top's read: with a previous report, no exceptions and no vertex metrics, 4 + vertices requests", async () => {
    fake = fakeFlink(slowSinkRoutes());
    const first = await fake.client.jobs.health(JOB_ID);
    fake.seen.length = 0;
    const next = await fake.client.jobs.health(JOB_ID, { previous: first, exceptions: 0, vertexMetrics: false });
    expect(fake.seen.sort()).toEqual(
      [
        `/jobs/${JOB_ID}`,
        `/jobs/${JOB_ID}/checkpoints`,
        `/jobs/${JOB_ID}/metrics`,
        `/jobs/${JOB_ID}/metrics?get=numRestarts`,
        `/jobs/${JOB_ID}/vertices/${SOURCE_ID}/backpressure`,
        `/jobs/${JOB_ID}/vertices/${SINK_ID}/backpressure`,
      ].sort(),
    );
    expect(next.checkpoints).toEqual(first.checkpoints); // the configuration carried over
    expect(next.reasons).toEqual(first.reasons);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    fake = fakeFlink(slowSinkRoutes());
    await fake.client.jobs.health(JOB_ID, { concurrency: 2 });
    expect(fake.maxInFlight()).toBeLessThanOrEqual(2);
  });

  it('reads fullRestarts on a Flink that has only that, and nothing when the job has no metrics yet', async () => {
    const job = `/jobs/${JOB_ID}`;
    fake = fakeFlink(
      slowSinkRoutes({
        [`${job}/metrics`]: (q) =>
          q.get('get') === 'fullRestarts' ? [{ id: 'fullRestarts', value: '3' }] : metricList('fullRestarts', 'uptime'),
      }),
    );
    expect((await fake.client.jobs.health(JOB_ID)).restarts).toBe(3);
    await fake.close();
    fake = fakeFlink(
      slowSinkRoutes({
        [`${job}/metrics`]: () => [],
        [`${job}/vertices/${SOURCE_ID}/subtasks/metrics`]: () => [],
        [`${job}/vertices/${SINK_ID}/subtasks/metrics`]: () => [],
        [`${job}/vertices/${SOURCE_ID}/backpressure`]: () => BACKPRESSURE_NOT_YET,
        [`${job}/vertices/${SINK_ID}/backpressure`]: () => BACKPRESSURE_NOT_YET,
      }),
    );
    const fresh = await fake.client.jobs.health(JOB_ID);
    expect(fake.seen).toHaveLength(5 + 2 * 2); // no value queries: nothing to ask for
    expect(fresh).toMatchObject({ status: 'healthy', reasons: [] });
    expect(fresh).not.toHaveProperty('restarts');
    expect(fresh.vertices[0]).not.toHaveProperty('backpressure');
  });

  it('reads no vertex of a job that does not run: 6 requests', async () => {
    fake = fakeFlink(slowSinkRoutes({ [`/jobs/${JOB_ID}`]: () => healthJob({ state: 'FAILED' }) }));
    const report = await fake.client.jobs.health(JOB_ID);
    expect(fake.seen.filter((s) => s.includes('/vertices/'))).toEqual([]);
    expect(fake.seen).toHaveLength(6);
    expect(report.reasons.map((r) => [r.code, r.severity])).toEqual([['NOT_RUNNING', 'unhealthy']]);
  });

  it('a job without checkpoint statistics (404 on the route) reads as checkpointing off', async () => {
    const job = `/jobs/${JOB_ID}`;
    fake = fakeFlink(
      slowSinkRoutes({
        [`${job}/checkpoints`]: () => new Response(null, { status: 404 }),
        [`${job}/checkpoints/config`]: () => new Response(null, { status: 404 }),
      }),
    );
    expect((await fake.client.jobs.health(JOB_ID)).checkpoints).toEqual({ enabled: false, completed: 0, failed: 0, inProgress: 0 });
  });

  it("the backpressure route's 500 (Flink 1.20: NoSuchElementException while a subtask's metrics are incomplete) reads as not measured", async () => {
    fake = fakeFlink(slowSinkRoutes({ [`/jobs/${JOB_ID}/vertices/${SINK_ID}/backpressure`]: () => new Response(null, { status: 500 }) }));
    const report = await fake.client.jobs.health(JOB_ID);
    expect(report.vertices[1]).not.toHaveProperty('backpressure');
    expect(report.vertices[0]?.backpressure?.level).toBe('high');
  });

  it('an unknown job is a FlinkNotFoundError, with no unhandled rejection from the requests started alongside', async () => {
    fake = fakeFlink({});
    await expect(fake.client.jobs.health(JOB_ID)).rejects.toBeInstanceOf(FlinkNotFoundError);
  });

  it('waits for the JobManager to fetch metrics anew when the ones it has are older than its fetch interval', async () => {
    let reads = 0;
    fake = fakeFlink(
      slowSinkRoutes({
        // The first two reads answer from a fetch 60 s old; then the background fetch landed.
        [`/jobs/${JOB_ID}/vertices/${SOURCE_ID}/backpressure`]: () =>
          ++reads <= 2 ? backpressure('ok', [[0, 1, 0]], NOW - 60_000) : backpressure('high', [[0.9, 0, 0.1]], NOW + 300),
      }),
    );
    const report = await fake.client.jobs.health(JOB_ID);
    expect(reads).toBe(3);
    expect(report.vertices[0]?.backpressure?.level).toBe('high');
    expect(report.metricsFetchedAt).toBe(NOW - 5_000); // the older of the two vertices' fetch times
  });

  it.each([
    [{ maxRestarts: -1 }, 'maxRestarts must be a non-negative number of restarts, got -1'],
    [{ restartWindowMs: 0 }, 'restartWindowMs must be a positive number of milliseconds, got 0'],
    [{ backpressure: 'medium' as never }, "backpressure must be 'low' or 'high'"],
    [{ exceptions: 1.5 }, 'exceptions must be a whole number >= 0, got 1.5'],
    [{ concurrency: 0 }, 'concurrency must be a whole number >= 1, got 0'],
  ])('refuses %j before any request', async (options, message) => {
    fake = fakeFlink({});
    const error = await fake.client.jobs.health(JOB_ID, options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlinkInputError);
    expect((error as Error).message).toContain(message);
    expect(fake.seen).toEqual([]);
  });
});

describe('jobs.health() restarts', () => {
  let fake: ReturnType<typeof fakeFlink>;
  beforeEach(() => {
    const job = `/jobs/${JOB_ID}`;
    fake = fakeFlink(
      slowSinkRoutes({
        // Started an hour ago; failed 3 times in the last 2 minutes and once long before.
        [job]: () => healthJob({ start: NOW - 3_600_000, running: NOW - 5_000 }),
        [`${job}/metrics`]: (q) => (q.has('get') ? [{ id: 'numRestarts', value: '4' }] : metricList('numRestarts')),
        [`${job}/exceptions`]: () => exceptionHistory([NOW - 6_000, NOW - 40_000, NOW - 100_000, NOW - 1_800_000]),
      }),
    );
  });
  afterEach(() => fake.close());

  it('counts failures in the window from the exception history, with the root cause in the message', async () => {
    const report = await fake.client.jobs.health(JOB_ID);
    expect(report.recentRestarts).toEqual({ count: 3, windowMs: 120_000, basis: 'exception-history' });
    expect(report.exceptions[0]).toEqual({
      name: 'flinkkit.testjobs.ExpectedFailure',
      message: 'ExpectedFailure: fail-after: failing on purpose after 10 records (--records 10)',
      timestamp: NOW - 6_000,
      taskName: 'count -> Sink: print (1/1)#3',
    });
    expect(report.reasons.find((r) => r.code === 'RESTARTS')?.message).toBe(
      `the job restarted 3 times in the last 2m, 4 in total; the latest failure: ExpectedFailure: fail-after: failing on purpose after 10 records (--records 10); see \`flink-kit exceptions ${JOB_ID}\``,
    );
    expect((await fake.client.jobs.health(JOB_ID, { stackTraces: true, exceptions: 1 })).exceptions[0]?.stackTrace).toContain(
      '\tat flinkkit',
    );
  });

  it("with a previous report: the counter's growth since it (the operator's rule), unhealthy past maxRestarts", async () => {
    const first = await fake.client.jobs.health(JOB_ID);
    const earlier = { ...first, observedAt: NOW - 60_000, restarts: 1 };
    const report = await fake.client.jobs.health(JOB_ID, { previous: earlier, maxRestarts: 2 });
    expect(report.recentRestarts).toEqual({ count: 3, windowMs: 120_000, basis: 'previous-report' });
    expect(report.reasons[0]).toMatchObject({ code: 'RESTARTS', severity: 'unhealthy' });
    expect(report.reasons[0]?.message).toContain('(more than 2: a restart loop)');
  });
});
