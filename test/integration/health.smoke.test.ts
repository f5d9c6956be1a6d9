/**
 * The health smoke test, on every Flink version: the routes and their version quirks (the restart
 * metric's name, the backpressure route, the exception history's fields, watermark metrics) on one
 * small cluster with three of flink-kit's test jobs at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlinkClient } from '../../src/client.ts';
import type { LocalCluster } from '../../src/local/index.ts';
import { HealthReport } from '../../src/schemas/health-report.ts';
import { codes, healthUntil, raw } from './health-support.ts';
import { FLINK_VERSION, startTestCluster } from './support.ts';

describe(`smoke: job health on Flink ${FLINK_VERSION}`, () => {
  let cluster: LocalCluster;
  let flink: FlinkClient;
  let healthy: string;
  let restarting: string;
  let eventTime: string;

  beforeAll(async () => {
    cluster = await startTestCluster({ taskManagers: 1, slotsPerTaskManager: 3 });
    flink = cluster.client;
    const run = async (job: 'keyed-counter' | 'fail-after' | 'event-time', args: string[]) =>
      (await flink.submit({ jar: await cluster.testJobJar(job), parallelism: 1, args, until: 'RUNNING' })).jobId;
    [healthy, restarting, eventTime] = await Promise.all([
      run('keyed-counter', []),
      run('fail-after', ['--records', '10', '--restarts', '1000']),
      run('event-time', ['--lag-ms', '60000']),
    ]);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('the job metrics name the restart counter; a restart loop is counted, with its root cause from the exception history', async () => {
    const names = (await raw<{ id: string }[]>(flink, `/jobs/${restarting}/metrics`)).map((m) => m.id).filter((n) => /Restarts$/.test(n));
    console.log(`[health ${FLINK_VERSION}] restart metrics: ${names.join(', ') || 'none fetched yet'}`);
    const report = await healthUntil(flink, restarting, 'restarting', (r) => (r.restarts ?? 0) >= 1, { waitTimeoutMs: 60_000 });
    expect(codes(report).some((c) => c === 'RESTARTS' || c === 'RESTARTING')).toBe(true);
    expect(report.exceptions[0]?.message).toBe('ExpectedFailure: fail-after: failing on purpose after 10 records (--records 10)');
    expect(report.exceptions[0]?.name).toBe('flinkkit.testjobs.ExpectedFailure');
  });

  it('a running keyed counter is healthy, every vertex measured by the backpressure route; an event-time job has watermarks', async () => {
    const report = await healthUntil(
      flink,
      healthy,
      'healthy and measured',
      (r) => r.status === 'healthy' && r.checkpoints.completed > 0 && r.vertices.every((v) => v.backpressure),
      { waitTimeoutMs: 60_000 },
    );
    expect(HealthReport.parse(report)).toEqual(report);
    expect(report.vertices.map((v) => v.backpressure?.level)).toEqual(['ok', 'ok']);
    const timed = await healthUntil(flink, eventTime, 'with watermarks', (r) => r.vertices.every((v) => v.watermark !== undefined), {
      waitTimeoutMs: 30_000,
    });
    for (const v of timed.vertices) expect(v.watermarkLagMs).toBeGreaterThanOrEqual(60_000);
    expect(timed.vertices[0]?.pendingRecords).toBeGreaterThan(0);
  });
});
