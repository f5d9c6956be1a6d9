import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlinkClient } from '../../src/client.ts';
import { poll } from '../../src/core/poll.ts';
import { FlinkConnectionError } from '../../src/errors/index.ts';
import type { LocalCluster } from '../../src/local/index.ts';
import { freePort } from '../../src/local/processes.ts';
import {
  FlinkSqlSessionError,
  FlinkSqlSyntaxError,
  FlinkSqlUnknownTableError,
  FlinkSqlUnsupportedError,
  SqlGateway,
  type SqlSession,
} from '../../src/sql/index.ts';
import { ensureBuilt, runCli } from '../fakes/cli-process.ts';
import { FLINK_VERSION, startTestCluster } from './support.ts';

/** The gateway drops sessions idle this long: the expired-session test waits for it. */
const IDLE_TIMEOUT = '4 s';

/** An unbounded, checkpointed source: a sequence 1, 2, 3, … at 20 rows a second (its position is state). */
const SOURCE = `CREATE TABLE src (seq BIGINT, pt AS PROCTIME()) WITH (
  'connector' = 'datagen', 'rows-per-second' = '20',
  'fields.seq.kind' = 'sequence', 'fields.seq.start' = '1', 'fields.seq.end' = '100000')`;
const sinkTable = (dir: string) =>
  `CREATE TABLE sink (k BIGINT, cnt BIGINT, seq BIGINT) WITH ('connector' = 'filesystem', 'path' = 'file://${dir}', 'format' = 'csv')`;
/** A keyed running count (OVER aggregation: append-only, so a filesystem sink takes it): its state is the count per key. */
const INSERT = `INSERT INTO sink
SELECT seq % 4 AS k, COUNT(*) OVER (PARTITION BY seq % 4 ORDER BY pt ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cnt, seq
FROM src`;

/** The sink's committed rows (files are committed at checkpoints; in-progress files start with a dot). */
function sinkRows(dir: string): Array<{ k: number; cnt: number; seq: number }> {
  return readdirSync(dir)
    .filter((f) => !f.startsWith('.'))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n'))
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [k, cnt, seq] = l.split(',').map(Number) as [number, number, number];
      return { k, cnt, seq };
    });
}

describe(`Flink's SQL Gateway (Flink ${FLINK_VERSION})`, () => {
  let cluster: LocalCluster;
  let flink: FlinkClient;
  let sql: SqlGateway;
  let session: SqlSession;
  const sinkDir = mkdtempSync(join(tmpdir(), 'flink-kit-sql-sink-'));

  beforeAll(async () => {
    ensureBuilt(); // the CLI tests run the built binary
    cluster = await startTestCluster({
      taskManagers: 1,
      slotsPerTaskManager: 4,
      config: { 'execution.checkpointing.interval': '1 s' },
      sqlGateway: { config: { 'sql-gateway.session.idle-timeout': IDLE_TIMEOUT, 'sql-gateway.session.check-interval': '1 s' } },
    });
    flink = cluster.client;
    sql = cluster.sql;
    session = await sql.session();
    for (const ddl of [SOURCE, sinkTable(sinkDir)]) for await (const _ of (await session.execute(ddl)).rows());
  });

  afterAll(async () => {
    await cluster?.stop();
    rmSync(sinkDir, { recursive: true, force: true });
  });

  it('negotiates the newest REST API version both sides speak', async () => {
    const { version, served } = await sql.apiVersion();
    expect(served.map((v) => v.toLowerCase())).toContain(version);
    expect(String(await sql.flinkVersion())).toBe(cluster.flinkVersion);
  });

  it('reads a SELECT larger than one result page whole, typed, through the token protocol', async () => {
    for await (const _ of (
      await session.execute(
        `CREATE TEMPORARY TABLE gen (seq BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '2000', 'number-of-rows' = '6000', 'fields.seq.kind' = 'sequence', 'fields.seq.start' = '1', 'fields.seq.end' = '6000')`,
      )
    ).rows());
    const op = await session.execute("SELECT seq, CAST(seq * 2 AS INT) AS twice, CONCAT('row-', CAST(seq AS STRING)) AS name FROM gen");
    let pages = 0;
    const seen = new Set<bigint>();
    for await (const page of op.pages()) {
      pages++;
      for (const { kind, row } of page.changes) {
        expect(kind).toBe('INSERT');
        expect(typeof row['seq']).toBe('bigint');
        expect(row['twice']).toBe(Number(row['seq']) * 2);
        expect(row['name']).toBe(`row-${row['seq']}`);
        seen.add(row['seq'] as bigint);
      }
    }
    expect(pages).toBeGreaterThan(1);
    expect(seen.size).toBe(6000);
    expect([...seen].reduce((a, b) => a + b, 0n)).toBe((6000n * 6001n) / 2n);
    expect((await op.columns()).map((c) => `${c.name} ${c.sqlType}`)).toEqual(['seq BIGINT', 'twice INT', 'name STRING']);
  });

  it('types BIGINT beyond 2^53, DECIMAL, DATE, bytes, arrays and rows exactly', async () => {
    const { rows, columns } = await session.query(
      "SELECT CAST(9007199254740993 AS BIGINT) AS big, CAST(12.34 AS DECIMAL(10, 2)) AS price, DATE '2024-01-02' AS d, CAST(X'0aff' AS BYTES) AS b, ARRAY[1, 2] AS arr, CAST(NULL AS STRING) AS nothing",
    );
    expect(rows).toEqual([
      { big: 9007199254740993n, price: '12.34', d: '2024-01-02', b: new Uint8Array([10, 255]), arr: [1, 2], nothing: null },
    ]);
    expect(columns.map((c) => c.sqlType)).toEqual([
      'BIGINT NOT NULL',
      'DECIMAL(10, 2) NOT NULL',
      'DATE NOT NULL',
      'BYTES NOT NULL',
      'ARRAY<INT NOT NULL> NOT NULL',
      'STRING',
    ]);
  });

  it('runs an INSERT of a keyed aggregation as a job, stops it with a savepoint, and restarts the same SQL from it: the counts go on', async () => {
    const plan = await session.plan(INSERT);
    expect(plan.nodes.some((n) => n.type.startsWith('OverAggregate') && n.inputs.some((i) => i.shipStrategy === 'HASH'))).toBe(true);
    expect(plan.vertices.length).toBe(2);

    const first = await session.submit(INSERT, { until: 'RUNNING' });
    expect(first.jobId).toMatch(/^[0-9a-f]{32}$/);
    expect(first.job?.state).toBe('RUNNING');
    // Let every key count a few, committed by checkpoints.
    await poll(async () => (sinkRows(sinkDir).length >= 24 ? { done: true, value: undefined } : { done: false }), {
      what: 'the first job to commit 24 rows',
      waitTimeoutMs: 120_000,
    });
    const { savepointPath } = await flink.jobs.stop(first.jobId);
    const beforeRestart = sinkRows(sinkDir);
    const lastSeq = Math.max(...beforeRestart.map((r) => r.seq));

    const second = await session.submit(INSERT, { savepointPath, until: 'RUNNING' });
    expect(second.config).toEqual({
      [cluster.flinkVersion.startsWith('1.') ? 'execution.savepoint.path' : 'execution.state-recovery.path']: savepointPath,
    });
    expect((await flink.checkpoints.stats(second.jobId)).latest.restored?.externalPath).toBe(savepointPath);
    await poll(
      async () => (Math.max(...sinkRows(sinkDir).map((r) => r.seq)) >= lastSeq + 24 ? { done: true, value: undefined } : { done: false }),
      {
        what: 'the restarted job to commit 24 more rows',
        waitTimeoutMs: 120_000,
      },
    );
    // Fact for upgrades: the same statement at the same parallelism gets the same job vertex ids.
    const ids = async (jobId: string) => (await flink.jobs.get(jobId)).vertices.map((v) => v.id);
    expect(await ids(second.jobId)).toEqual(await ids(first.jobId));
    await flink.jobs.cancel(second.jobId);

    // From the sink's files: the source went on from its position (each seq once, no gap), and each
    // key's count went on from its state (1, 2, 3, … in seq order, no reset to 1 after the restart).
    const rows = sinkRows(sinkDir);
    const seqs = rows.map((r) => r.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(seqs.length).toBeGreaterThan(beforeRestart.length);
    for (const k of [0, 1, 2, 3]) {
      const counts = rows
        .filter((r) => r.k === k)
        .sort((a, b) => a.seq - b.seq)
        .map((r) => r.cnt);
      expect(counts).toEqual(Array.from({ length: counts.length }, (_, i) => i + 1));
      expect(counts.length).toBeGreaterThan(beforeRestart.filter((r) => r.k === k).length);
    }
  });

  it("says where a syntax error is, with Flink's message and no Java stack trace", async () => {
    const error = await session.query('SELECT id FROM (VALUES (1)) AS t(id) WHERE').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlinkSqlSyntaxError);
    const e = error as FlinkSqlSyntaxError;
    expect(e.position).toEqual({ line: 1, column: 42 });
    expect(e.message).toMatch(/^SQL syntax error at line 1, column 42: Encountered "<EOF>"/);
    expect(e.message).not.toMatch(/\tat |\.java:\d+\)/);
  });

  it('names the catalog and database it searched for an unknown table', async () => {
    const error = await session.query('SELECT * FROM nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlinkSqlUnknownTableError);
    const e = error as FlinkSqlUnknownTableError;
    expect([e.table, e.catalog, e.database]).toEqual(['nope', 'default_catalog', 'default_database']);
    expect(e.message).toContain('catalog default_catalog, database default_database');
    expect(e.message).not.toMatch(/\tat |\.java:\d+\)/);
  });

  it('says that a session expired, and keeps a heartbeated one alive past the idle timeout', async () => {
    const idle = new SqlGateway({ url: cluster.sqlGateway?.url as string, heartbeatIntervalMs: false });
    try {
      const abandoned = await idle.openSession();
      const kept = await sql.openSession();
      // Any call would keep the session alive: watch the gateway's log for it dropping the session instead.
      const log = cluster.sqlGateway?.logFile as string;
      await poll(
        async () =>
          readFileSync(log, 'utf8').includes(`Session ${abandoned.handle} is expired`) ? { done: true, value: undefined } : { done: false },
        { what: `the gateway to drop a session idle for ${IDLE_TIMEOUT}`, waitTimeoutMs: 60_000, minDelayMs: 500 },
      );
      const error = await abandoned.query('SELECT 1').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FlinkSqlSessionError);
      expect((error as FlinkSqlSessionError).expired).toBe(true);
      expect((error as FlinkSqlSessionError).message).toMatch(/expired/);
      expect((await kept.query('SELECT 1 AS n')).rows).toEqual([{ n: 1 }]);
      await kept.close();
    } finally {
      await idle.close();
    }
  });

  it('refuses a feature of a newer REST API version before sending it', async () => {
    await using v1 = new SqlGateway({ url: cluster.sqlGateway?.url as string, apiVersion: 'v1' });
    const s = await v1.openSession();
    expect((await s.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
    await expect(s.configure("SET 'pipeline.name' = 'x'")).rejects.toThrow(FlinkSqlUnsupportedError);
  });

  it('reports a gateway that is not there as a connection error that says where it usually is', async () => {
    await using nowhere = new SqlGateway({ url: `http://127.0.0.1:${await freePort()}` });
    const error = await nowhere.query('SELECT 1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlinkConnectionError);
    expect((error as Error).message).toMatch(/\(connection refused\)\. No SQL Gateway there\..*8083/);
    await using jobManager = new SqlGateway({ url: cluster.url });
    await expect(jobManager.query('SELECT 1')).rejects.toThrow(/no SQL Gateway at .*404/);
  });

  it('flink-kit sql: a script with an INSERT prints its job id once it runs; a query prints JSON lines; an error exits 3', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flink-kit-sql-cli-'));
    try {
      const script = join(dir, 'pipeline.sql');
      writeFileSync(script, `-- the keyed count, as a script\n${SOURCE};\n${sinkTable(join(dir, 'out'))};\n${INSERT};\n`);
      const url = ['--url', cluster.url, '--sql-url', cluster.sqlGateway?.url as string];
      const run = await runCli(['sql', ...url, '-f', script, '--wait', '--json']);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const line = JSON.parse(run.stdout.trim()) as { jobId: string; state: string };
      expect(line.state).toBe('RUNNING');
      expect(await flink.jobs.status(line.jobId)).toBe('RUNNING');
      await flink.jobs.cancel(line.jobId);

      const query = await runCli(['sql', ...url, '-e', 'SELECT * FROM (VALUES (1, 9007199254740993)) AS t(a, big)', '--json']);
      expect(query.code).toBe(0);
      expect(query.stdout).toBe('{"kind":"INSERT","row":{"a":1,"big":9007199254740993}}\n');

      const bad = await runCli(['sql', ...url, '-e', 'SELECT id FROM (VALUES (1)) AS t(id) WHERE']);
      expect(bad.code).toBe(3);
      expect(bad.stderr).toMatch(/SQL syntax error at line 1, column 42/);
      expect(bad.stderr).not.toMatch(/\.java:\d+\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
