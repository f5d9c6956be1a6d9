/**
 * `jobs.health()`, `flink-kit health` and `flink-kit top` against real Flink: flink-kit's own test
 * jobs make each condition happen at once on one cluster (5 jobs, 6 slots), and every claim of a
 * report is checked against Flink's own routes.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlinkClient } from '../../src/client.ts';
import { judgeHealth } from '../../src/core/health/judge.ts';
import type { LocalCluster } from '../../src/local/index.ts';
import { HealthReport } from '../../src/schemas/health-report.ts';
import { CLI_BIN, ensureBuilt, runCli } from '../fakes/cli-process.ts';
import { codes, healthUntil, raw } from './health-support.ts';
import { FLINK_VERSION, startTestCluster } from './support.ts';

const LAG_MS = 120_000;
const JOBS = {
  healthy: ['keyed-counter', []],
  backpressured: ['slow-sink', ['--rate', '2000', '--sleep-ms', '20']],
  restarting: ['fail-after', ['--records', '10', '--restarts', '1000']],
  checkpointsFailing: ['slow-checkpoint', []],
  eventTime: ['event-time', ['--lag-ms', String(LAG_MS)]],
} as const;
type Name = keyof typeof JOBS;

describe(`job health on Flink ${FLINK_VERSION}`, () => {
  let cluster: LocalCluster;
  let flink: FlinkClient;
  const ids = {} as Record<Name, string>;

  beforeAll(async () => {
    ensureBuilt();
    cluster = await startTestCluster({ taskManagers: 2, slotsPerTaskManager: 3 });
    flink = cluster.client;
    for (const [name, [job, args]] of Object.entries(JOBS) as [Name, (typeof JOBS)[Name]][]) {
      ids[name] = (await flink.submit({ jar: await cluster.testJobJar(job), parallelism: 1, args: [...args], until: 'RUNNING' })).jobId;
    }
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('a healthy keyed counter: healthy, no reasons, every vertex measured at backpressure ok, checkpoints completing', async () => {
    const report = await healthUntil(
      flink,
      ids.healthy,
      'healthy with a completed checkpoint and measured vertices',
      (r) => r.status === 'healthy' && r.checkpoints.completed > 0 && r.vertices.every((v) => v.backpressure),
    );
    expect(HealthReport.parse(report)).toEqual(report);
    expect(report.reasons).toEqual([]);
    expect(report).toMatchObject({ state: 'RUNNING', restarts: 0, checkpoints: { enabled: true, intervalMs: 1_000 } });
    const stats = await raw<{ counts: { completed: number } }>(flink, `/jobs/${ids.healthy}/checkpoints`);
    expect(stats.counts.completed).toBeGreaterThanOrEqual(report.checkpoints.completed);
    for (const v of report.vertices) {
      expect(v.backpressure?.level).toBe('ok');
      const flinks = await raw<{ backpressureLevel: string }>(flink, `/jobs/${ids.healthy}/vertices/${v.id}/backpressure`);
      expect(flinks.backpressureLevel).not.toBe('high');
    }
  });

  it('a slow sink behind a keyBy: BACKPRESSURE names the source, the sink is the busy bottleneck, as Flink measures them', async () => {
    const job = await flink.jobs.get(ids.backpressured);
    const source = job.vertices.find((v) => v.name.startsWith('Source: fast source'));
    const sink = job.vertices.find((v) => v.name.startsWith('slow sink'));
    const report = await healthUntil(flink, ids.backpressured, 'backpressured', (r) => codes(r).includes('BACKPRESSURE'));
    expect(report.status).toBe('degraded');
    const reason = report.reasons.find((r) => r.code === 'BACKPRESSURE');
    expect(reason).toMatchObject({ vertexId: source?.id, vertexName: source?.name, severity: 'degraded' });
    expect(reason?.message).toContain(`${sink?.name} is the bottleneck`);
    console.log(`[health ${FLINK_VERSION}] ${reason?.message}`);
    const sinkHealth = report.vertices.find((v) => v.id === sink?.id);
    expect(sinkHealth?.upstream).toEqual([source?.id]);
    expect(sinkHealth?.backpressure?.busy.max).toBeGreaterThan(0.9);
    // Flink's own route says the same of the source (same metric fetch or a newer one).
    const flinks = await raw<{ backpressureLevel: string; subtasks: { ratio: number }[] }>(
      flink,
      `/jobs/${ids.backpressured}/vertices/${source?.id}/backpressure`,
    );
    expect(flinks.backpressureLevel).toBe('high');
    expect(flinks.subtasks[0]?.ratio).toBeGreaterThan(0.5);
    expect(report.vertices.find((v) => v.id === source?.id)?.recordsOutPerSecond).toBeGreaterThan(0);
  });

  it('a fixed-delay restart loop: restarts grow, RESTARTS or RESTARTING, the root cause from the exception history', async () => {
    const first = await healthUntil(flink, ids.restarting, 'restarting', (r) => (r.restarts ?? 0) >= 2);
    expect(first.status).not.toBe('healthy'); // degraded while restarts stay within maxRestarts (64), unhealthy while RESTARTING
    expect(judgeHealth(first, { maxRestarts: 1 }).status).toBe('unhealthy');
    expect(codes(first).some((c) => c === 'RESTARTS' || c === 'RESTARTING')).toBe(true);
    expect(first.exceptions[0]).toMatchObject({
      name: 'flinkkit.testjobs.ExpectedFailure',
      message: 'ExpectedFailure: fail-after: failing on purpose after 10 records (--records 10)',
    });
    const later = await healthUntil(flink, ids.restarting, 'restarting further', (r) => (r.restarts ?? 0) > (first.restarts ?? 0), {
      previous: first,
    });
    expect(later.recentRestarts).toMatchObject({ basis: 'previous-report' });
    expect(later.recentRestarts.count).toBeGreaterThan(0);
    const metric = await raw<{ id: string; value: string }[]>(flink, `/jobs/${ids.restarting}/metrics?get=numRestarts`);
    expect(Number(metric[0]?.value)).toBeGreaterThanOrEqual(later.restarts ?? Number.POSITIVE_INFINITY);
    const history = await raw<{ exceptionHistory: { entries: { exceptionName: string }[] } }>(flink, `/jobs/${ids.restarting}/exceptions`);
    expect(history.exceptionHistory.entries[0]?.exceptionName).toBe('flinkkit.testjobs.ExpectedFailure');
  });

  it("snapshots slower than the checkpoint timeout: CHECKPOINTS_FAILING with Flink's message; a short allowed age: CHECKPOINTS_STALLED", async () => {
    const report = await healthUntil(flink, ids.checkpointsFailing, 'failing checkpoints', (r) => codes(r).includes('CHECKPOINTS_FAILING'));
    const stats = await raw<{ latest: { failed: { failure_message: string } | null } }>(
      flink,
      `/jobs/${ids.checkpointsFailing}/checkpoints`,
    );
    const message = stats.latest.failed?.failure_message as string;
    expect(message).toMatch(/expired/i);
    expect(report.checkpoints.lastFailure?.message).toBe(message);
    expect(report.reasons.find((r) => r.code === 'CHECKPOINTS_FAILING')?.message).toContain(message);
    expect(report.checkpoints).toMatchObject({ enabled: true, timeoutMs: 1_000, completed: 0 });
    const strict = await flink.jobs.health(ids.checkpointsFailing, { checkpointAgeMs: 2_000 });
    expect(strict.reasons[0]).toMatchObject({ code: 'CHECKPOINTS_STALLED', severity: 'unhealthy' });
    expect(strict.status).toBe('unhealthy');
  });

  it('an event-time job: watermark and its lag behind the clock, as Flink reports them; pending records of the source', async () => {
    const report = await healthUntil(flink, ids.eventTime, 'with watermarks', (r) => r.vertices.every((v) => v.watermark !== undefined));
    const [source, counter] = report.vertices;
    expect(source?.name).toBe('Source: events');
    for (const v of report.vertices) {
      expect(v.watermarkLagMs).toBeGreaterThanOrEqual(LAG_MS);
      expect(v.watermarkLagMs).toBeLessThan(LAG_MS + 60_000); // 1 s out-of-orderness, a metric fetch up to 10 s old
    }
    const flinks = await raw<{ id: string; value: string }[]>(flink, `/jobs/${ids.eventTime}/vertices/${counter?.id}/watermarks`);
    expect(Number(flinks[0]?.value)).toBeGreaterThanOrEqual(counter?.watermark as number); // the same metric, maybe fetched again since
    expect(Number(flinks[0]?.value) - (counter?.watermark as number)).toBeLessThan(30_000);
    expect(source?.pendingRecords).toBeGreaterThan(0);
    expect(source?.pendingRecords).toBeLessThan(1_000_000);
    expect(counter).not.toHaveProperty('pendingRecords');
    expect(codes(report)).not.toContain('WATERMARK_LAG'); // off by default
    const lagging = await flink.jobs.health(ids.eventTime, { watermarkLagMs: 60_000 });
    expect(lagging.reasons[0]).toMatchObject({ code: 'WATERMARK_LAG', severity: 'degraded' });
  });

  describe('the CLI', () => {
    const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
      runCli([...args, '--url', cluster.url], { env: { ...process.env, NO_COLOR: '1', ...env } });

    it('health: exit 0 healthy, 13 degraded, 14 unhealthy; --json is one report', async () => {
      const healthy = await cli(['health', ids.healthy]);
      expect(healthy.stderr).toBe('');
      expect(healthy.code).toBe(0);
      expect(healthy.stdout).toMatch(/^✓ healthy {2}flink-kit keyed-counter \([0-9a-f]{32}\) RUNNING, up /);
      expect(healthy.stdout).toMatch(/^Source: sequence\t1\tok 0 %\t/m); // piped: tab-separated vertex rows
      const degraded = await cli(['health', ids.backpressured]);
      expect(degraded.code).toBe(13);
      expect(degraded.stdout).toMatch(/^! degraded .*\n {2}BACKPRESSURE {2}vertex Source: fast source is backpressured/);
      console.log(`[health ${FLINK_VERSION}] flink-kit health (backpressured job):\n${degraded.stdout}`);
      // A restart loop 1 s apart restarts some 30 times in 2 minutes: unhealthy past --max-restarts.
      const unhealthy = await cli(['health', ids.restarting, '--json', '--max-restarts', '3']);
      expect(unhealthy.code).toBe(14);
      const report = HealthReport.parse(JSON.parse(unhealthy.stdout));
      expect(report.status).toBe('unhealthy');
      expect((await cli(['health', ids.healthy, '--max-restarts', 'x'])).code).toBe(2);
    });

    it('health --watch --json: JSON lines, restarts counted between reads; Ctrl-C ends it with the last status', async () => {
      const child = spawn(process.execPath, [
        CLI_BIN,
        'health',
        ids.restarting,
        '--watch',
        '--json',
        '--interval',
        '1s',
        '--url',
        cluster.url,
      ]);
      const lines: HealthReport[] = [];
      let buffer = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
          lines.push(HealthReport.parse(JSON.parse(buffer.slice(0, nl))));
          buffer = buffer.slice(nl + 1);
          if (lines.length === 3) child.kill('SIGINT');
        }
      });
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(lines.length).toBeGreaterThanOrEqual(3);
      for (const line of lines) expect(line).toMatchObject({ jobId: ids.restarting, restarts: expect.any(Number) });
      expect(lines[0]?.restarts).toBeGreaterThan(0);
      expect(lines[2]?.recentRestarts.basis).toBe('previous-report');
      // The exit code is the last read's status. Which status that is depends on the moment: the loop
      // is RESTARTING (unhealthy) part of the time, and between reads a second apart Flink's restart
      // counter (fetched every 10 s) often has not moved.
      const exit = { healthy: 0, degraded: 13, unhealthy: 14 } as const;
      expect(code).toBe(exit[(lines.at(-1) as HealthReport).status]);
    });

    it('top piped: one snapshot, a row per running job, worst first; --json the reports', async () => {
      const piped = await cli(['top', '--max-restarts', '3']);
      expect(piped.code).toBe(0);
      const rows = piped.stdout.trim().split('\n');
      expect(rows).toHaveLength(5);
      expect(rows[0]).toMatch(/^✗ unhealthy\t/);
      expect(rows.at(-1)).toMatch(/^✓ healthy\tflink-kit keyed-counter\t1\t/);
      const json = await cli(['top', '--json', '--max-restarts', '3']);
      const reports = (JSON.parse(json.stdout) as unknown[]).map((r) => HealthReport.parse(r));
      expect(reports.map((r) => r.jobId).sort()).toEqual(Object.values(ids).sort());
      const rank = { unhealthy: 0, degraded: 1, healthy: 2 };
      expect(reports.map((r) => rank[r.status])).toEqual(reports.map((r) => rank[r.status]).sort());
    });

    it('top on a pseudo-terminal: draws the jobs in the terminal width, in colour unless NO_COLOR, and quits on q', async () => {
      const ESC = '\u001b';
      const onTerminal = (columns: number, env: NodeJS.ProcessEnv) =>
        new Promise<{ code: number | null; screen: string }>((resolve, reject) => {
          // `script` runs top on a pseudo-terminal `columns` wide and passes our keys to it.
          const command = `stty cols ${columns} rows 30; '${process.execPath}' '${CLI_BIN}' top --interval 1s --max-restarts 3 --url ${cluster.url}`;
          const environment: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm-256color', ...env };
          // Node gives a terminal only 2 colours when CI is set: the colour check needs a plain terminal.
          for (const name of ['NO_COLOR', 'FORCE_COLOR', 'CI']) if (!(name in env)) delete environment[name];
          const child = spawn('script', ['-qec', command, '/dev/null'], { env: environment });
          let screen = '';
          let quit = false;
          child.stdin.on('error', () => undefined); // top may have quit already
          const timer = setTimeout(() => reject(new Error(`top did not draw and quit within 60 s:\n${screen}`)), 60_000);
          child.stdout.on('data', (chunk: Buffer) => {
            screen += chunk.toString();
            // Quit once a second refresh drew every job (the first draws no sparkline history yet).
            if ((screen.match(/flink-kit slow-sink/g) ?? []).length >= 2 && screen.includes('flink-kit event-time') && !quit) {
              quit = true;
              child.stdin.write('q');
            }
          });
          child.on('exit', (code) => {
            clearTimeout(timer);
            resolve({ code, screen });
          });
        });
      const coloured = await onTerminal(130, {});
      expect(coloured.code).toBe(0);
      expect(coloured.screen).toContain('flink-kit top');
      expect(coloured.screen).toContain('q quits');
      expect(coloured.screen).toContain(`${ESC}[31m✗ unhealthy`); // the restart loop, in red
      expect(coloured.screen).toMatch(/BP HISTORY/); // wide enough for the sparklines
      expect(coloured.screen).toMatch(/[▁▂▃▄▅▆▇█]{2}/);
      const plain = await onTerminal(100, { NO_COLOR: '1' });
      expect(plain.code).toBe(0);
      expect(plain.screen).not.toContain(`${ESC}[3`);
      // The first frame is drawn whole (log-update redraws only changed lines after it), between the
      // synchronized-output marks: every line of it fits the 100 columns.
      const first = plain.screen.slice(plain.screen.indexOf(`${ESC}[?2026h`), plain.screen.indexOf(`${ESC}[?2026l`));
      const visible = first.replace(new RegExp(`${ESC}\\[[0-9;?]*[A-Za-z]`, 'g'), '').split(/\r?\n/);
      expect(visible.length).toBeGreaterThan(5); // title, header, 5 jobs
      const longest = [...visible].sort((a, b) => [...b].length - [...a].length)[0] ?? '';
      expect([...longest].length, JSON.stringify(longest)).toBeLessThanOrEqual(100);
      expect(plain.screen).not.toContain('BP HISTORY'); // 100 columns: no room for the sparklines
      expect(visible.findIndex((l) => l.includes('✗ unhealthy'))).toBeLessThan(visible.findIndex((l) => l.includes('✓ healthy')));
    });
  });
});
