/**
 * Benchmark: upgrade of the long-running job on a local cluster. For each round, the wall time of
 * client.upgrade() against the sum of Flink's own savepoint duration (checkpoint statistics) and
 * the new job's time to RUNNING (job start to the last subtask RUNNING, from Flink's timestamps).
 * Target: overhead <= 10 %.
 *
 * Flink also spends time outside that formula: the old job shutting down after its savepoint, and
 * the jar's main() running inside the JobManager during the run request. Requests are timed through
 * an injected fetch, so the SDK's own share (pre-checks, polling latency, restore check) is
 * printed separately: wall - (stop request sent -> old job ended) - (run request) - (new job start ->
 * all subtasks RUNNING).
 *
 *   ./dev node bench/upgrade.ts [--rounds 5]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FlinkClient } from 'flink-kit';
import { startLocalCluster } from 'flink-kit/local';
import { fetch as undiciFetch } from 'undici';
import { z } from 'zod';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '5' }, 'flink-version': { type: 'string', default: '1.20' } },
});
const rounds = Number(values.rounds);

const SubtaskTimes = z.object({ subtasks: z.array(z.object({ timestamps: z.record(z.string(), z.number()) })) });
const JobTimes = z.object({ 'start-time': z.number(), 'end-time': z.number(), vertices: z.array(z.object({ id: z.string() })) });

const input = mkdtempSync(join(tmpdir(), 'flink-kit-bench-in-'));
writeFileSync(join(input, 'words.txt'), 'to be or not to be\n');
const local = await startLocalCluster({
  taskManagers: 2,
  slotsPerTaskManager: 2,
  flinkVersion: values['flink-version'],
  config: { 'execution.checkpointing.interval': '10s' },
});
/** Start and end (epoch ms) of every request, by method and path. */
const timings: Array<{ what: string; start: number; end: number }> = [];
const timedFetch = async (url: URL, init: Record<string, unknown>) => {
  const start = Date.now();
  const res = await undiciFetch(url, init as Parameters<typeof undiciFetch>[1]);
  timings.push({ what: `${init['method']} ${url.pathname}`, start, end: Date.now() });
  return res;
};
const flink = new FlinkClient({ url: local.url, fetch: timedFetch as unknown as typeof fetch });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
try {
  const jar = await local.exampleJar('WordCount');
  let { jobId } = await flink.submit({ jar, parallelism: 2, args: ['--input', input, '--discovery-interval', '1s'], until: 'RUNNING' });
  const rows: Array<Record<string, number>> = [];
  for (let i = 1; i <= rounds; i++) {
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const parallelism = i % 2 === 1 ? 4 : 2;
    timings.length = 0;
    const start = Date.now();
    const result = await flink.upgrade(jobId, { parallelism, targetDirectory: `file://${local.savepointDir}` });
    const wall = Date.now() - start;
    const stopSent = timings.find((t) => t.what.endsWith('/stop'))?.start ?? start;
    const run = timings.find((t) => t.what.endsWith('/run'));
    // Flink's own figures; wait out its REST cache (web.refresh-interval, 3 s) so they are final.
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    const savepoint = (await flink.checkpoints.stats(jobId)).latest.savepoint;
    const oldJob = await flink.request({ method: 'GET', path: `/jobs/${jobId}`, schema: JobTimes });
    const newJob = await flink.request({ method: 'GET', path: `/jobs/${result.jobId}`, schema: JobTimes });
    let allRunning = 0;
    for (const v of newJob.vertices) {
      const times = await flink.request({
        method: 'GET',
        path: `/jobs/${result.jobId}/vertices/${v.id}/subtasktimes`,
        schema: SubtaskTimes,
      });
      for (const s of times.subtasks) allRunning = Math.max(allRunning, s.timestamps['RUNNING'] ?? 0);
    }
    const savepointMs = savepoint?.durationMs ?? 0;
    const toRunningMs = allRunning - newJob['start-time'];
    const flinkMs = savepointMs + toRunningMs;
    const stopMs = oldJob['end-time'] - stopSent; // savepoint + old job shutdown, as Flink saw it
    const runMs = run ? run.end - run.start : 0; // the run request: main() inside the JobManager
    const sdkMs = wall - stopMs - runMs - toRunningMs;
    // The same formula with the new job's time to RUNNING counted from the run request (main() included).
    const fromRequestMs = savepointMs + runMs + toRunningMs;
    const row = {
      wall,
      savepointMs,
      toRunningMs,
      overheadPct: ((wall - flinkMs) / flinkMs) * 100,
      overheadFromRequestPct: ((wall - fromRequestMs) / fromRequestMs) * 100,
      stopMs,
      runMs,
      sdkMs,
      sdkPct: (sdkMs / wall) * 100,
    };
    rows.push(row);
    console.log(
      `round ${i} (-> p${parallelism}): wall ${wall} ms; Flink: savepoint ${savepointMs} ms + to RUNNING ${toRunningMs} ms = ${flinkMs} ms; overhead ${row.overheadPct.toFixed(0)} %` +
        ` | stop request -> old job ended ${stopMs} ms, run request (main()) ${runMs} ms, SDK's own ${sdkMs} ms (${row.sdkPct.toFixed(0)} % of wall)`,
    );
    jobId = result.jobId;
  }
  const m = (k: string) => median(rows.map((r) => r[k] as number));
  console.log(
    `\nmedian of ${rounds}: wall ${m('wall')} ms, savepoint ${m('savepointMs')} ms, to RUNNING ${m('toRunningMs')} ms, overhead ${m('overheadPct').toFixed(0)} % (target <= 10 %)`,
  );
  console.log(
    `median overhead with the new job's time to RUNNING counted from the run request (main() included): ${m('overheadFromRequestPct').toFixed(0)} %`,
  );
  console.log(
    `median: stop request -> old job ended ${m('stopMs')} ms, run request (main() in the JobManager) ${m('runMs')} ms, SDK's own ${m('sdkMs')} ms (${m('sdkPct').toFixed(0)} % of wall)`,
  );
  await flink.jobs.cancel(jobId);
} finally {
  await flink.close();
  await local.stop();
  rmSync(input, { recursive: true, force: true });
}
