/**
 * `jobs.health()` on the fake Flink (undici's MockAgent): which routes it reads and how many, what
 * it makes of Flink's replies, and the options it refuses. The judging rules: judge.test.ts.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { FlinkApiError, FlinkNotFoundError } from '../../../../src/errors/api-errors.js';
import { FlinkInputError } from '../../../../src/errors/flink-error.js';
import { HealthReport } from '../../../../src/schemas/health-report.js';
import { flinkErrors, internalServerError, JOB_ID } from '../../../fakes/flink-replies.js';
import {
  BACKPRESSURE_NOT_YET,
  backpressure,
  exceptionHistory,
  healthJob,
  metricList,
  NOW,
  type Replies,
  SINK_ID,
  SOURCE_ID,
  slowSinkReplies,
} from '../../../fakes/health-replies.js';
import { fakeClient, replyRoutes, simulated, useFakeFlink } from '../../../fakes/mock-flink.js';

/** Flink 1.20's 500 on the backpressure route while a subtask's metrics are incomplete in the JobManager's store. */
const NO_VALUE_PRESENT = internalServerError(
  'java.util.NoSuchElementException: No value present\n\tat java.base/java.util.Optional.get(Optional.java:143)',
);

const flink = useFakeFlink();
const client = fakeClient({ retry: false });

let inFlight = 0;
let maxInFlight = 0;

/**
 * The replies as routes of a simulated cluster (a test need not read every one), each answering a
 * moment later, so that the requests in flight at once can be counted.
 */
function serve(replies: Replies): void {
  maxInFlight = 0;
  flink.use(
    ...simulated(
      ...replyRoutes(replies, async () => {
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        await new Promise((r) => setTimeout(r, 2));
        inFlight--;
      }),
    ),
  );
}

/** The routes read so far, below `/v1`, queries decoded. */
function seen(): string[] {
  return flink.requests.map((r) => decodeURIComponent(r.path.replace(/^\/v1/, '')));
}

describe('jobs.health() requests', () => {
  it('reads 6 + 3 x vertices routes, asks only for metrics the components have, and judges the backpressure', async () => {
    serve(slowSinkReplies());
    const report = await client.jobs.health(JOB_ID);
    expect(HealthReport.parse(report)).toEqual(report);
    expect(seen()).toHaveLength(6 + 3 * 2);
    const queries = seen().filter((s) => s.includes('?get='));
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
    serve(slowSinkReplies());
    const first = await client.jobs.health(JOB_ID);
    flink.requests.length = 0;
    const next = await client.jobs.health(JOB_ID, { previous: first, exceptions: 0, vertexMetrics: false });
    expect(seen().sort()).toEqual(
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
    serve(slowSinkReplies());
    await client.jobs.health(JOB_ID, { concurrency: 2 });
    expect(maxInFlight).toBe(2); // concurrent, and no more than asked
  });

  it('reads fullRestarts on a Flink that has only that, and nothing when the job has no metrics yet', async () => {
    const job = `/jobs/${JOB_ID}`;
    serve(
      slowSinkReplies({
        [`${job}/metrics`]: (q) =>
          q.get('get') === 'fullRestarts' ? [{ id: 'fullRestarts', value: '3' }] : metricList('fullRestarts', 'uptime'),
      }),
    );
    expect((await client.jobs.health(JOB_ID)).restarts).toBe(3);
    flink.requests.length = 0;
    serve(
      slowSinkReplies({
        [`${job}/metrics`]: () => [],
        [`${job}/vertices/${SOURCE_ID}/subtasks/metrics`]: () => [],
        [`${job}/vertices/${SINK_ID}/subtasks/metrics`]: () => [],
        [`${job}/vertices/${SOURCE_ID}/backpressure`]: () => BACKPRESSURE_NOT_YET,
        [`${job}/vertices/${SINK_ID}/backpressure`]: () => BACKPRESSURE_NOT_YET,
      }),
    );
    const fresh = await client.jobs.health(JOB_ID);
    expect(seen()).toHaveLength(5 + 2 * 2); // no value queries: nothing to ask for
    expect(fresh).toMatchObject({ status: 'healthy', reasons: [] });
    expect(fresh).not.toHaveProperty('restarts');
    expect(fresh.vertices[0]).not.toHaveProperty('backpressure');
  });

  it('reads no vertex of a job that does not run: 6 requests', async () => {
    serve(slowSinkReplies({ [`/jobs/${JOB_ID}`]: () => healthJob({ state: 'FAILED' }) }));
    const report = await client.jobs.health(JOB_ID);
    expect(seen().filter((s) => s.includes('/vertices/'))).toEqual([]);
    expect(seen()).toHaveLength(6);
    expect(report.reasons.map((r) => [r.code, r.severity])).toEqual([['NOT_RUNNING', 'unhealthy']]);
  });

  it('a job without checkpoint statistics (404 on the route) reads as checkpointing off', async () => {
    const job = `/jobs/${JOB_ID}`;
    serve(
      slowSinkReplies({
        [`${job}/checkpoints`]: () => Response.json(flinkErrors('Not found: /jobs/x/checkpoints'), { status: 404 }),
        [`${job}/checkpoints/config`]: () => Response.json(flinkErrors('Not found: /jobs/x/checkpoints/config'), { status: 404 }),
      }),
    );
    expect((await client.jobs.health(JOB_ID)).checkpoints).toEqual({ enabled: false, completed: 0, failed: 0, inProgress: 0 });
  });

  it("the backpressure route's 500 (Flink 1.20: NoSuchElementException while a subtask's metrics are incomplete) reads as not measured", async () => {
    serve(
      slowSinkReplies({ [`/jobs/${JOB_ID}/vertices/${SINK_ID}/backpressure`]: () => Response.json(NO_VALUE_PRESENT, { status: 500 }) }),
    );
    const report = await client.jobs.health(JOB_ID);
    expect(report.vertices[1]).not.toHaveProperty('backpressure');
    expect(report.vertices[0]?.backpressure?.level).toBe('high');
  });

  it("another 500 of the backpressure route fails the read: the rule is that one failure's, not every 500's", async () => {
    const npe = internalServerError(
      'java.lang.NullPointerException\n\tat org.apache.flink.runtime.rest.handler.job.JobVertexBackPressureHandler',
    );
    serve(slowSinkReplies({ [`/jobs/${JOB_ID}/vertices/${SINK_ID}/backpressure`]: () => Response.json(npe, { status: 500 }) }));
    const error = await client.jobs.health(JOB_ID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlinkApiError);
    expect(error).toMatchObject({ status: 500, path: expect.stringContaining(`/vertices/${SINK_ID}/backpressure`) });
    expect((error as FlinkApiError).errors.join('\n')).toContain('NullPointerException');
  });

  it('an unknown job is a FlinkNotFoundError, with no unhandled rejection from the requests started alongside', async () => {
    const unknown = () => Response.json(flinkErrors('Job could not be found.'), { status: 404 });
    serve(Object.fromEntries(Object.keys(slowSinkReplies()).map((p) => [p, unknown])));
    const error = await client.jobs.health(JOB_ID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlinkNotFoundError);
    expect((error as Error).message).toContain('No job with that id on this cluster');
  });

  it('an unknown job on Flink 1.18-1.20 (500 FlinkJobNotFoundException on a job route) is a FlinkNotFoundError too', async () => {
    const gone = internalServerError(`org.apache.flink.runtime.messages.FlinkJobNotFoundException: Could not find Flink job (${JOB_ID})`);
    serve({ ...slowSinkReplies(), [`/jobs/${JOB_ID}`]: () => Response.json(gone, { status: 500 }) });
    const error = await client.jobs.health(JOB_ID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlinkNotFoundError);
    expect(error).toMatchObject({ status: 404 });
  });

  it('waits for the JobManager to fetch metrics anew when the ones it has are older than its fetch interval', async () => {
    let reads = 0;
    serve(
      slowSinkReplies({
        // The first two reads answer from a fetch 60 s old; then the background fetch landed.
        [`/jobs/${JOB_ID}/vertices/${SOURCE_ID}/backpressure`]: () =>
          ++reads <= 2 ? backpressure('ok', [[0, 1, 0]], NOW - 60_000) : backpressure('high', [[0.9, 0, 0.1]], NOW + 300),
      }),
    );
    const report = await client.jobs.health(JOB_ID);
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
    const error = await client.jobs.health(JOB_ID, options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlinkInputError);
    expect((error as Error).message).toContain(message);
    expect(seen()).toEqual([]);
  });
});

describe('jobs.health() restarts', () => {
  beforeEach(() => {
    const job = `/jobs/${JOB_ID}`;
    serve(
      slowSinkReplies({
        // Started an hour ago; failed 3 times in the last 2 minutes and once long before.
        [job]: () => healthJob({ start: NOW - 3_600_000, running: NOW - 5_000 }),
        [`${job}/metrics`]: (q) => (q.has('get') ? [{ id: 'numRestarts', value: '4' }] : metricList('numRestarts')),
        [`${job}/exceptions`]: () => exceptionHistory([NOW - 6_000, NOW - 40_000, NOW - 100_000, NOW - 1_800_000]),
      }),
    );
  });

  it('counts failures in the window from the exception history, with the root cause in the message', async () => {
    const report = await client.jobs.health(JOB_ID);
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
    expect((await client.jobs.health(JOB_ID, { stackTraces: true, exceptions: 1 })).exceptions[0]?.stackTrace).toContain('\tat flinkkit');
  });

  it("with a previous report: the counter's growth since it (the operator's rule), unhealthy past maxRestarts", async () => {
    const first = await client.jobs.health(JOB_ID);
    const earlier = { ...first, observedAt: NOW - 60_000, restarts: 1 };
    const report = await client.jobs.health(JOB_ID, { previous: earlier, maxRestarts: 2 });
    expect(report.recentRestarts).toEqual({ count: 3, windowMs: 120_000, basis: 'previous-report' });
    expect(report.reasons[0]).toMatchObject({ code: 'RESTARTS', severity: 'unhealthy' });
    expect(report.reasons[0]?.message).toContain('(more than 2: a restart loop)');
  });
});
