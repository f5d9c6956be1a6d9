/**
 * Savepoint-and-restart for an SQL job: submit an INSERT of a keyed running count through Flink's
 * SQL Gateway, let it count, stop it with a savepoint, submit the same SQL from that savepoint,
 * and show from the sink's files that every key counted on from where it stopped (no reset to 1).
 *
 *   node examples/sql-savepoint-and-restart.ts [--url JOBMANAGER --sql-url GATEWAY] [--flink-version 1.20]
 *
 * Without --url it starts a local Flink cluster with its SQL Gateway (Java 17 + Maven needed) and
 * stops it at the end. With --url/--sql-url, the sink directory, created here in the temp dir, must
 * be writable by the cluster's TaskManagers (a cluster on this machine).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FlinkClient, isFlinkError } from 'flink-kit';
import { startLocalCluster } from 'flink-kit/local';
import { SqlGateway } from 'flink-kit/sql';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    'sql-url': { type: 'string' },
    'flink-version': { type: 'string', default: '1.20' },
  },
});

/** The sink's committed rows `k,cnt,seq` (the filesystem sink commits files at checkpoints). */
function sinkRows(dir: string): Array<{ k: number; cnt: number; seq: number }> {
  return readdirSync(dir)
    .filter((f) => !f.startsWith('.'))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').trim().split('\n'))
    .filter(Boolean)
    .map((line) => {
      const [k, cnt, seq] = line.split(',').map(Number) as [number, number, number];
      return { k, cnt, seq };
    });
}

/** The highest count per key, e.g. `0=12 1=12 2=12 3=11`. */
function counts(rows: ReturnType<typeof sinkRows>): string {
  const max = new Map<number, number>();
  for (const r of rows) max.set(r.k, Math.max(max.get(r.k) ?? 0, r.cnt));
  return [...max]
    .sort(([a], [b]) => a - b)
    .map(([k, c]) => `${k}=${c}`)
    .join(' ');
}

async function waitForRows(dir: string, atLeast: number): Promise<void> {
  while (sinkRows(dir).length < atLeast) await new Promise((r) => setTimeout(r, 500));
}

async function sqlSavepointAndRestart(flink: FlinkClient, sql: SqlGateway): Promise<void> {
  const sink = mkdtempSync(join(tmpdir(), 'flink-kit-sql-example-'));
  // One session: the tables below live in it, and every statement of this run sees them.
  await using session = await sql.openSession({ properties: { 'execution.checkpointing.interval': '1 s' } });
  const started: string[] = [];
  try {
    for (const ddl of [
      `CREATE TABLE src (seq BIGINT, pt AS PROCTIME()) WITH ('connector' = 'datagen', 'rows-per-second' = '20',
         'fields.seq.kind' = 'sequence', 'fields.seq.start' = '1', 'fields.seq.end' = '100000')`,
      `CREATE TABLE sink (k BIGINT, cnt BIGINT, seq BIGINT) WITH ('connector' = 'filesystem', 'path' = 'file://${sink}', 'format' = 'csv')`,
    ]) {
      for await (const _ of (await session.execute(ddl)).rows()); // read to the end: the table exists
    }
    const insert = `INSERT INTO sink
      SELECT seq % 4 AS k, COUNT(*) OVER (PARTITION BY seq % 4 ORDER BY pt ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cnt, seq
      FROM src`;

    // 1. What Flink will run, without running it.
    const plan = await session.plan(insert);
    console.log(`plan: ${plan.vertices.map((v) => v.name).join('  |  ')}`);

    // 2. Submit the INSERT: a job id, and all its tasks running.
    const first = await session.submit(insert, { until: 'RUNNING' });
    started.push(first.jobId);
    console.log(`submitted job ${first.jobId}`);
    await waitForRows(sink, 40);

    // 3. Stop it with a savepoint.
    const { savepointPath } = await flink.jobs.stop(first.jobId);
    console.log(`stopped with savepoint ${savepointPath}; counts per key: ${counts(sinkRows(sink))}`);
    const before = sinkRows(sink).length;

    // 4. The same SQL from the savepoint.
    const next = await session.submit(insert, { savepointPath, until: 'RUNNING' });
    started.push(next.jobId);
    const { latest } = await flink.checkpoints.stats(next.jobId);
    console.log(`restarted as job ${next.jobId}, restored from ${latest.restored?.externalPath}`);
    await waitForRows(sink, before + 40);

    // 5. Proof from the sink: each key's counts run 1, 2, 3, … across both jobs, none reset.
    const rows = sinkRows(sink);
    for (const k of [0, 1, 2, 3]) {
      const seen = rows
        .filter((r) => r.k === k)
        .sort((a, b) => a.seq - b.seq)
        .map((r) => r.cnt);
      if (seen.some((c, i) => c !== i + 1)) throw new Error(`key ${k} did not count on: ${seen.join(',')}`);
    }
    console.log(`counts per key now: ${counts(rows)} (continued from the savepoint, no reset)`);
  } finally {
    for (const id of started) await flink.jobs.cancel(id).catch(() => undefined);
    rmSync(sink, { recursive: true, force: true });
  }
}

try {
  if (values.url) {
    await using flink = new FlinkClient({ url: values.url });
    await using sql = new SqlGateway({ url: values['sql-url'], flink });
    await sqlSavepointAndRestart(flink, sql);
  } else {
    await using local = await startLocalCluster({
      flinkVersion: values['flink-version'],
      slotsPerTaskManager: 4,
      sqlGateway: true,
      log: (line) => console.error(`[local] ${line}`),
    });
    await sqlSavepointAndRestart(local.client, local.sql);
  }
} catch (error) {
  console.error(isFlinkError(error) ? `${error.name}: ${error.message}` : error);
  process.exitCode = 1;
}
