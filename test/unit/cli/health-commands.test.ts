/**
 * `flink-kit health` and `flink-kit top` in-process from the sources, against a fake Flink on
 * 127.0.0.1 serving two jobs (a backpressured one, a restarting one); and the top screen's layout.
 * Real Flink and a real pseudo-terminal: test/integration/health.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Output } from '../../../src/cli/output.ts';
import { addRead, type TopRow, topScreen } from '../../../src/cli/top-view.ts';
import { judgeHealth } from '../../../src/core/health/judge.ts';
import { HealthReport } from '../../../src/schemas/health-report.ts';
import { runCliInProcess } from '../../fakes/cli-in-process.ts';
import { flinkErrors } from '../../fakes/flink-replies.ts';
import {
  backpressure,
  checkpointStats,
  exceptionHistory,
  healthJob,
  metricList,
  NOW,
  type Replies,
  SINK_ID,
  SOURCE_ID,
  slowSinkReplies,
} from '../../fakes/health-replies.ts';
import { type LocalServer, startHttp } from '../../fakes/local-servers.ts';

const SLOW = 'a0000000000000000000000000000001';
const LOOP = 'b0000000000000000000000000000002';

/** Both jobs as the overview lists them. */
const overview = () => ({
  jobs: [SLOW, LOOP].map((jid) => ({
    jid,
    name: jid === SLOW ? 'slow' : 'loop',
    state: 'RUNNING',
    'start-time': NOW - 60_000,
    'end-time': -1,
    duration: 1,
    tasks: { running: 2, total: 2 },
  })),
});

/** A job started an hour ago, named `name`, with the last checkpoint a second old. */
function job(jid: string, name: string, overrides: Replies = {}): Replies {
  return slowSinkReplies(
    {
      [`/jobs/${jid}`]: () => ({ ...healthJob({ jid, start: NOW - 3_600_000 }), name }),
      [`/jobs/${jid}/checkpoints`]: () => checkpointStats({ completed: { id: 4, ackAt: NOW - 1_000, duration: 250 } }),
      ...overrides,
    },
    jid,
  );
}

/** The slow-sink job, and a restart loop: 30 restarts, three in the last 2 minutes, nothing backpressured. */
const REPLIES: Replies = {
  '/jobs/overview': overview,
  ...job(SLOW, 'slow'),
  ...job(LOOP, 'loop', {
    [`/jobs/${LOOP}/metrics`]: (q) => (q.has('get') ? [{ id: 'numRestarts', value: '30' }] : metricList('numRestarts')),
    [`/jobs/${LOOP}/exceptions`]: () => exceptionHistory([NOW - 2_000, NOW - 4_000, NOW - 6_000]),
    [`/jobs/${LOOP}/vertices/${SOURCE_ID}/backpressure`]: () => backpressure('ok', [[0, 0.1, 0.9]]),
    [`/jobs/${LOOP}/vertices/${SINK_ID}/backpressure`]: () => backpressure('ok', [[0, 0.2, 0]]),
  }),
};

let server: LocalServer;
beforeAll(async () => {
  server = await startHttp((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const body = REPLIES[url.pathname.replace(/^\/v1/, '')]?.(url.searchParams);
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body ?? flinkErrors('Not found: no route in the test')));
  });
});
afterAll(() => server.close());

const cli = (...args: string[]) => runCliInProcess(['--url', server.url, ...args]);

describe('flink-kit health, in-process', () => {
  it('piped: status first, the reasons, then the vertices tab-separated; exit 13 degraded', async () => {
    const r = await cli('health', SLOW);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(13);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`! degraded  slow (${SLOW}) RUNNING, up 34.0 s`);
    expect(lines[1]).toMatch(
      /^ {2}BACKPRESSURE {2}vertex Source: fast source is backpressured 86 % .*slow sink -> Sink: print is the bottleneck/,
    );
    expect(lines).toContain('Source: fast source\t1\thigh 86 %\t0 %\t14 %\t0\t260\t-\t-');
  });

  it('exit 14 unhealthy past --max-restarts; --json is one HealthReport with the thresholds given', async () => {
    const r = await cli('health', LOOP, '--json', '--max-restarts', '2');
    expect(r.code).toBe(14);
    const report = HealthReport.parse(JSON.parse(r.stdout));
    expect(report.reasons[0]).toMatchObject({ code: 'RESTARTS', severity: 'unhealthy' });
    expect(report.thresholds.maxRestarts).toBe(2);
    expect((await cli('health', LOOP)).code).toBe(13); // 3 restarts in 2 minutes: within the default 64
  });

  it('bad thresholds are usage errors (exit 2); an unknown job exits 4', async () => {
    expect((await cli('health', SLOW, '--max-restarts', '-1')).code).toBe(2);
    expect((await cli('health', SLOW, '--backpressure', 'medium')).code).toBe(2);
    expect((await cli('health', 'c0000000000000000000000000000003')).code).toBe(4);
  });
});

describe('flink-kit top, in-process', () => {
  it('piped: one snapshot, worst first, tab-separated; --json the reports', async () => {
    const r = await cli('top', '--max-restarts', '2');
    expect(r.code).toBe(0);
    const rows = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => l.split('\t'));
    expect(rows.map((c) => [c[0], c[1]])).toEqual([
      ['✗ unhealthy', 'loop'],
      ['! degraded', 'slow'],
    ]);
    expect(rows[1]?.slice(2, 8)).toEqual(['1', '34.0 s', '0', '1.0 s ago', '250 ms', 'high 86 %']);
    const json = await cli('top', '--json');
    expect((JSON.parse(json.stdout) as unknown[]).map((x) => HealthReport.parse(x).name)).toEqual(['slow', 'loop']); // both degraded: more backpressure first
  });
});

describe('the top screen', () => {
  const out = new Output({ json: false, verbose: false });
  const report = (name: string, bp: number, observedAt: number) =>
    judgeHealth({
      jobId: SLOW,
      name,
      state: 'RUNNING',
      observedAt,
      restarts: 0,
      recentRestarts: { count: 0, windowMs: 120_000, basis: 'job-age' },
      uptimeMs: 60_000,
      checkpoints: {
        enabled: true,
        intervalMs: 1_000,
        completed: 3,
        failed: 0,
        inProgress: 0,
        lastCompleted: { id: 3, completedAt: observedAt, ageMs: 0, durationMs: 100 + bp * 100 },
      },
      vertices: [
        {
          id: 'v',
          name: 'v',
          parallelism: 2,
          status: 'RUNNING',
          tasks: { RUNNING: 2 },
          upstream: [],
          backpressure: {
            level: bp > 0.5 ? 'high' : 'ok',
            backpressured: { max: bp, avg: bp },
            busy: { max: 0.5, avg: 0.5 },
            idle: { max: 0, avg: 0 },
          },
        },
      ],
      exceptions: [],
    });
  let row: TopRow | undefined;
  for (let i = 0; i < 15; i++) row = addRead(row, report('a job with a rather long name that does not fit', (i % 5) / 5, NOW + i * 5_000));

  it('keeps the last 12 reads for the sparklines and the reads of the restart window', () => {
    expect(row?.backpressure).toHaveLength(12);
    expect(row?.reads.map((r) => r.observedAt)).toEqual(
      Array.from({ length: 15 }, (_, i) => NOW + i * 5_000).filter((t) => t >= NOW + 70_000 - 120_000),
    );
  });

  it.each([130, 100, 80])('fits %i columns; sparklines only from 120', async (width) => {
    const screen = await topScreen(out, [row as TopRow], 'flink-kit top  http://x  1 job', width);
    for (const line of screen) expect([...line].length).toBeLessThanOrEqual(width);
    expect(screen[1]?.includes('BP HISTORY')).toBe(width >= 120);
    expect(/[▁▂▃▄▅▆▇█]{5}/.test(screen[2] ?? '')).toBe(width >= 120);
    expect(screen[2]).toContain('…'); // the long name cut to what is left
  });
});
