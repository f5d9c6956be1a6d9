import { describe, expect, it } from 'vitest';
import { doctor } from '../../../src/workflows/doctor.ts';
import { JOB_ID, jobDetails, jobExceptions, jobsOverviewReply, overview } from '../../fakes/flink-replies.ts';
import {
  BACKPRESSURE_NOT_YET,
  checkpointStats,
  healthJob,
  metricList,
  NOW,
  SOURCE_ID,
  slowSinkReplies,
} from '../../fakes/health-replies.ts';
import { fakeClient, replyRoutes, route, simulated, useFakeFlink } from '../../fakes/mock-flink.ts';

const flink = useFakeFlink();
const CONFIG_120 = [
  { key: 'execution.checkpointing.dir', value: 's3://b/checkpoints' },
  { key: 'execution.checkpointing.savepoint-dir', value: 's3://b/savepoints' },
];

function cluster(over: Record<string, unknown>, config: { key: string; value: string }[], ...jobs: Record<string, unknown>[]) {
  flink.use(
    ...simulated(
      route.get('/overview', () => Response.json(overview(over))),
      route.get('/jobmanager/config', () => Response.json(config)),
      route.get('/jobs/overview', () => Response.json(jobsOverviewReply(...jobs))),
      route.get(`/jobs/${JOB_ID}/exceptions`, () => Response.json(jobExceptions())),
    ),
  );
}

/** The routes `jobs.health()` reads, for a running one-vertex job with these task counts. */
function healthRoutes(tasks: Record<string, number>) {
  const job = `/jobs/${JOB_ID}`;
  const replies = slowSinkReplies({
    [job]: () => healthJob({ vertices: [{ id: SOURCE_ID, name: 'Source: words', parallelism: 2, tasks }] }),
    [`${job}/metrics`]: () => metricList(),
    [`${job}/checkpoints`]: () => checkpointStats({ completed: { id: 3, ackAt: NOW - 500 } }),
    [`${job}/vertices/${SOURCE_ID}/backpressure`]: () => BACKPRESSURE_NOT_YET,
    [`${job}/vertices/${SOURCE_ID}/subtasks/metrics`]: () => [],
  });
  flink.use(...simulated(...replyRoutes(replies)));
}

describe('doctor', () => {
  it('passes a healthy cluster: version, TaskManagers, the largest parallelism that fits, directories, jobs', async () => {
    cluster({ 'slots-available': 3 }, CONFIG_120, jobDetails('RUNNING', ['RUNNING']));
    healthRoutes({ RUNNING: 2 });
    const report = await doctor(fakeClient());
    expect(report.ok).toBe(true);
    expect(report.flinkVersion).toBe('1.20.3');
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ['rest', 'pass'],
      ['taskmanagers', 'pass'],
      ['slots', 'pass'],
      ['checkpoint-dir', 'pass'],
      ['savepoint-dir', 'pass'],
      ['jobs', 'pass'],
      [`health:${JOB_ID}`, 'pass'],
    ]);
    expect(report.checks.at(-1)?.summary).toBe(`job ${JOB_ID} (Streaming WordCount) is healthy`);
    expect(report.checks[2]?.summary).toBe('4 slots, 3 free: parallelism up to 3 fits now');
    expect(report.checks[3]?.summary).toContain('s3://b/checkpoints (execution.checkpointing.dir)');
  });

  it('reads the pre-1.19 key names too', async () => {
    cluster({}, [
      { key: 'state.checkpoints.dir', value: 'file:///c' },
      { key: 'state.savepoints.dir', value: 'file:///s' },
    ]);
    const report = await doctor(fakeClient());
    expect(report.checks.find((c) => c.id === 'savepoint-dir')).toMatchObject({
      status: 'pass',
      summary: expect.stringContaining('state.savepoints.dir'),
    });
  });

  it('fails without TaskManagers (the jobmanager.rpc.address mistake), warns on missing directories and no free slots', async () => {
    cluster({ taskmanagers: 0, 'slots-total': 0, 'slots-available': 0 }, []);
    const report = await doctor(fakeClient());
    expect(report.ok).toBe(false);
    const tms = report.checks.find((c) => c.id === 'taskmanagers');
    expect(tms).toMatchObject({ status: 'fail' });
    expect(tms?.fix).toContain('jobmanager.rpc.address');
    expect(report.checks.find((c) => c.id === 'checkpoint-dir')).toMatchObject({
      status: 'warn',
      fix: expect.stringContaining('execution.checkpointing.dir'),
    });
    cluster({ 'slots-available': 0 }, CONFIG_120);
    expect((await doctor(fakeClient())).checks.find((c) => c.id === 'slots')).toMatchObject({ status: 'warn' });
  });

  it('fails on a restarting job with its root cause; a half-scheduled job is a warning', async () => {
    cluster({}, CONFIG_120, jobDetails('RESTARTING', ['CANCELED']));
    const report = await doctor(fakeClient());
    expect(report.ok).toBe(false);
    expect(report.checks.at(-1)).toMatchObject({
      id: `job:${JOB_ID}`,
      status: 'fail',
      summary: `job ${JOB_ID} (Streaming WordCount) is RESTARTING: ArithmeticException: / by zero`,
    });
    cluster({}, CONFIG_120, jobDetails('RUNNING', ['RUNNING', 'SCHEDULED']));
    healthRoutes({ RUNNING: 1, SCHEDULED: 1 });
    const halfScheduled = await doctor(fakeClient());
    expect(halfScheduled.checks.find((c) => c.id === `job:${JOB_ID}`)).toMatchObject({
      status: 'warn',
      summary: expect.stringContaining('1 tasks SCHEDULED'),
    });
    // Its health says the same, as a failed check: a job waiting for slots does not do its job.
    expect(halfScheduled.checks.at(-1)).toEqual({
      id: `health:${JOB_ID}`,
      status: 'fail',
      summary: `job ${JOB_ID} (Streaming WordCount) is unhealthy: TASKS_NOT_RUNNING vertex Source: words: 1 of 2 subtasks SCHEDULED: they wait for slots; add TaskManagers or slots, or lower the parallelism`,
      fix: `see \`flink-kit health ${JOB_ID}\` for every reason and the vertices`,
    });
  });

  it('an unreachable endpoint is a failed check, not an exception; sections run after the REST checks, and without them', async () => {
    flink.use(route.get('/overview', () => Response.error()));
    const report = await doctor(fakeClient(), {
      sections: [
        async ({ overview }) => [{ id: 'why', status: 'warn', summary: `overview ${overview === undefined ? 'unknown' : 'read'}` }],
      ],
    });
    expect(report).toMatchObject({ ok: false, flinkVersion: undefined });
    expect(report.checks.map((c) => c.id)).toEqual(['rest', 'why']);
    expect(report.checks[0]).toMatchObject({ id: 'rest', status: 'fail', fix: expect.stringContaining('8081') });
    expect(report.checks[1]?.summary).toBe('overview unknown');

    cluster({}, CONFIG_120);
    const withSection = await doctor(fakeClient(), {
      sections: [
        async ({ overview }) => [{ id: 'k8s:pods', status: 'warn', summary: `${overview?.taskManagers} registered, 3 pods`, fix: 'x' }],
      ],
    });
    expect(withSection.checks.at(-1)).toMatchObject({ id: 'k8s:pods', summary: '2 registered, 3 pods' });
    expect(withSection.ok).toBe(true);
  });
});
