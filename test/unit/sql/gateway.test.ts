import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FlinkApiError, FlinkConnectionError, FlinkResponseError } from '../../../src/errors/index.ts';
import {
  FlinkSqlSessionError,
  FlinkSqlSyntaxError,
  FlinkSqlUnknownTableError,
  FlinkSqlUnsupportedError,
  SqlGateway,
  type SqlGatewayOptions,
} from '../../../src/sql/index.ts';
import { fakeDispatcher, route, simulated, useFakeFlink } from '../../fakes/mock-flink.ts';

/**
 * The SQL client over the transport users get (undici), against a fake SQL Gateway on undici's
 * MockAgent. Routes are whole paths (`/:v/…`: any REST API version; `/api_versions` has none).
 */
const GW = 'http://gateway.test:8083';
const fake = useFakeFlink({ url: GW, prefix: '' });

const SH = '11111111-1111-1111-1111-111111111111';
const OH = '22222222-2222-2222-2222-222222222222';
const JOB = 'c41f4f5557c866330c7df8241d8acb1e';
const RESULT = `/v3/sessions/${SH}/operations/${OH}/result`;
const columns = [
  { name: 'id', logicalType: { type: 'BIGINT', nullable: false }, comment: null },
  { name: 'name', logicalType: { type: 'VARCHAR', nullable: true, length: 2147483647 }, comment: null },
];
const page = (token: number, data: unknown[], next: boolean, version = 'v3') => ({
  resultType: 'PAYLOAD',
  isQueryResult: true,
  jobID: JOB,
  resultKind: 'SUCCESS_WITH_CONTENT',
  results: { columns, rowFormat: 'JSON', data },
  ...(next ? { nextResultUri: `/${version}/sessions/${SH}/operations/${OH}/result/${token + 1}?rowFormat=JSON` } : {}),
});
const row = (id: number, name: string) => ({ kind: 'INSERT', fields: [id, name] });
const EOS = { resultType: 'EOS', results: { columns, data: [] } };

/** A reply recorded from a real Flink 1.20.3 SQL Gateway. */
const recorded = (name: string) =>
  JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/sql-gateway/1.20', `${name}.json`), 'utf8')) as {
    status: number;
    body: Record<string, unknown>;
  };
const replay = (name: string) => {
  const { status, body } = recorded(name);
  return Response.json(body, { status });
};

/**
 * A gateway serving `versions`, one session and one operation (every statement gets it), whose
 * result pages are `results(token)` (EOS past the end). Simulated: a test need not hit every route.
 */
function fakeGateway(versions: string[], results: (token: number) => Response | object | undefined = () => undefined, idle = '10 min') {
  fake.use(
    ...simulated(
      route.get('/api_versions', () => Response.json({ versions })),
      route.get('/:v/info', () => Response.json({ productName: 'Apache Flink', version: '1.20.3' })),
      route.post('/:v/sessions', () => Response.json({ sessionHandle: SH })),
      route.get(`/:v/sessions/${SH}`, () => Response.json({ properties: { 'sql-gateway.session.idle-timeout': idle } })),
      route.delete(`/:v/sessions/${SH}`, () => Response.json({ status: 'CLOSED' })),
      route.post(`/:v/sessions/${SH}/statements`, () => Response.json({ operationHandle: OH })),
      route.delete(`/:v/sessions/${SH}/operations/${OH}/close`, () => Response.json({ status: 'CLOSED' })),
      route.get(`/:v/sessions/${SH}/operations/${OH}/result/:token`, ({ params }) => {
        const reply = results(Number(params['token'])) ?? EOS;
        return reply instanceof Response ? reply : Response.json(reply);
      }),
    ),
  );
}

function gateway(options: SqlGatewayOptions = {}): SqlGateway {
  return new SqlGateway({
    url: GW,
    dispatcher: fakeDispatcher,
    retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5 },
    heartbeatIntervalMs: false,
    ...options,
  });
}

const resultCalls = () => fake.calls().filter((c) => c.includes('/result/'));

describe('SqlGateway against a fake gateway (undici, MockAgent)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('follows the result tokens to the end, waiting out NOT_READY and empty pages, rows typed (BIGINT exact)', async () => {
    let looks = 0;
    fakeGateway(['V1', 'V2', 'V3'], (token) => {
      if (token === 0 && looks++ === 0) return { resultType: 'NOT_READY', nextResultUri: `${RESULT}/0?rowFormat=JSON` };
      const body = [page(0, [row(1, 'a'), row(0, 'b')], true), page(1, [], true), page(2, [row(3, 'c')], true)][token];
      if (!body) return undefined;
      // A BIGINT beyond 2^53 as the gateway writes it: an exact JSON number.
      const text = JSON.stringify(body).replace('[0,"b"]', '[9007199254740993,"b"]');
      return new Response(text, { headers: { 'content-type': 'application/json' } });
    });
    await using sql = gateway();
    const op = await sql.execute('SELECT id, name FROM t');
    const rows = [];
    for await (const r of op.rows({ minPollMs: 1, maxPollMs: 2 })) rows.push(r);
    expect(rows).toEqual([
      { id: 1n, name: 'a' },
      { id: 9007199254740993n, name: 'b' },
      { id: 3n, name: 'c' },
    ]);
    expect(await op.jobId()).toBe(JOB);
    expect(resultCalls()).toEqual([0, 0, 1, 2, 3].map((t) => `GET ${RESULT}/${t}?rowFormat=JSON`));
  });

  it('speaks v1 to a gateway that serves only v1: no rowFormat, and configure-session refused before sending', async () => {
    fakeGateway(['V1'], (t) => (t === 0 ? page(t, [row(1, 'a')], false, 'v1') : undefined));
    await using sql = gateway();
    const { rows } = await sql.query('SELECT 1');
    expect(rows).toEqual([{ id: 1n, name: 'a' }]);
    expect(fake.calls()).toContain(`GET /v1/sessions/${SH}/operations/${OH}/result/0`);
    const session = await sql.session();
    const before = fake.requests.length;
    await expect(session.configure("SET 'a' = 'b'")).rejects.toThrow(FlinkSqlUnsupportedError);
    expect(fake.requests.length).toBe(before);
  });

  it('closes the operation when the reader stops early (the job of an unbounded query ends with it)', async () => {
    fakeGateway(['V3'], (t) => page(t, [row(t * 2 + 1, 'a'), row(t * 2 + 2, 'b')], true));
    await using sql = gateway();
    const op = await sql.execute('SELECT * FROM unbounded');
    for await (const r of op.rows()) {
      expect(r['id']).toBe(1n);
      break;
    }
    expect(fake.calls()).toContain(`DELETE /v3/sessions/${SH}/operations/${OH}/close`);
    expect(resultCalls()).toEqual([`GET ${RESULT}/0?rowFormat=JSON`]);
  });

  it('never repeats a statement POST whose reply was lost (it may have started a job), and says what to check', async () => {
    fakeGateway(['V3']);
    let posts = 0;
    fake.use(
      route.post(`/v3/sessions/${SH}/statements`, () => {
        posts++;
        return Response.error();
      }),
    );
    await using sql = gateway();
    const error = await sql.execute('INSERT INTO t SELECT 1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlinkConnectionError);
    expect((error as Error).message).toMatch(/may have started a job: look for it/);
    expect(posts).toBe(1);
  });

  it('repeats a result fetch that failed on the way (a GET of the same token is safe)', async () => {
    fakeGateway(['V3']);
    let fetches = 0;
    fake.use(
      route.get(`/v3/sessions/${SH}/operations/${OH}/result/0`, () => {
        if (fetches++ === 0) return Response.error();
        return Response.json({ ...page(0, [row(7, 'x')], false), resultType: 'EOS' });
      }),
    );
    await using sql = gateway();
    expect((await sql.query('SELECT 7')).rows).toEqual([{ id: 7n, name: 'x' }]);
    expect(fetches).toBe(2);
  });

  it('does not repeat a fetch the gateway answered with 500: the same token gets the same answer', async () => {
    fakeGateway(['V3'], () => replay('restore-mismatch'));
    await using sql = gateway();
    await expect(sql.submit('INSERT INTO sink SELECT * FROM src')).rejects.toThrow(/Cannot map checkpoint\/savepoint state/);
    expect(resultCalls()).toEqual([`GET ${RESULT}/0?rowFormat=JSON`]);
  });

  it('types a syntax error by the rules of the fetch: the position and a caret under the statement sent', async () => {
    fakeGateway(['V3'], () => replay('syntax-error'));
    await using sql = gateway();
    const statement = 'SELECT id FROM (VALUES (1)) AS t(id) WHERE';
    const error = await sql.query(statement).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlinkSqlSyntaxError);
    expect((error as FlinkSqlSyntaxError).statement).toBe(statement);
    expect((error as FlinkSqlSyntaxError).operationHandle).toBe(OH);
    expect((error as Error).message.split('\n')).toEqual([
      'SQL syntax error at line 1, column 42: Encountered "<EOF>" at line 1, column 42.',
      `  ${statement}`,
      `  ${' '.repeat(41)}^`,
    ]);
    expect((error as Error).cause).toBeInstanceOf(FlinkApiError);
  });

  it("names the session's current catalog and database for an unknown table, asked with two more statements", async () => {
    fakeGateway(['V3']);
    const asked: string[] = [];
    const answers: Record<string, string> = { 'SHOW CURRENT CATALOG': 'cat', 'SHOW CURRENT DATABASE': 'db' };
    let statement = '';
    fake.use(
      route.post(`/v3/sessions/${SH}/statements`, async ({ request }) => {
        statement = ((await request.json()) as { statement: string }).statement;
        asked.push(statement);
        return Response.json({ operationHandle: OH });
      }),
      route.get(`/v3/sessions/${SH}/operations/${OH}/result/0`, () => {
        const answer = answers[statement];
        if (answer === undefined) return replay('unknown-table');
        return Response.json({
          resultType: 'EOS',
          results: {
            columns: [{ name: 'name', logicalType: { type: 'VARCHAR', length: 100 } }],
            data: [{ kind: 'INSERT', fields: [answer] }],
          },
        });
      }),
    );
    await using sql = gateway();
    const error = await sql.query('SELECT * FROM nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlinkSqlUnknownTableError);
    const e = error as FlinkSqlUnknownTableError;
    expect([e.table, e.catalog, e.database]).toEqual(['nope', 'cat', 'db']);
    expect(e.message).toMatch(/^SQL validation error at line 1, column 15: Object 'nope' not found; searched catalog cat, database db/);
    expect(asked).toEqual(['SELECT * FROM nope', 'SHOW CURRENT CATALOG', 'SHOW CURRENT DATABASE']);
  });

  it('says a session this client had open expired when the gateway no longer knows it', async () => {
    fakeGateway(['V3']);
    fake.use(route.post(`/v3/sessions/${SH}/statements`, () => replay('session-gone')));
    await using sql = gateway();
    await sql.session();
    const error = await sql.execute('SELECT 1').catch((e: unknown) => e);
    // The recorded reply names another session (0000…): one this client does not have open is gone, not expired.
    expect(error).toBeInstanceOf(FlinkSqlSessionError);
    expect((error as FlinkSqlSessionError).expired).toBe(false);
    expect((error as Error).message).toMatch(/does not exist \(closed, expired/);
    const gone = recorded('session-gone');
    const mine = JSON.parse(JSON.stringify(gone.body).replaceAll(/Session '[^']+'/g, `Session '${SH}'`)) as object;
    fake.use(route.post(`/v3/sessions/${SH}/statements`, () => Response.json(mine, { status: 500 })));
    const expired = (await sql.execute('SELECT 1').catch((e: unknown) => e)) as FlinkSqlSessionError;
    expect(expired).toBeInstanceOf(FlinkSqlSessionError);
    expect(expired.expired).toBe(true);
    expect(expired.message).toMatch(new RegExp(`^SQL Gateway session ${SH} expired: `));
  });

  it("returns the status of an operation that had ended when cancelled (the gateway's 500 says so)", async () => {
    fakeGateway(['V3']);
    fake.use(route.post(`/v3/sessions/${SH}/operations/${OH}/cancel`, () => replay('cancel-finished')));
    await using sql = gateway();
    const op = await sql.execute('SELECT 1');
    expect(await op.cancel()).toBe('FINISHED');
  });

  it('submits a statement that starts a job: its job id, with the configuration as its executionConfig (this statement only)', async () => {
    const insert = recorded('insert-result');
    fakeGateway(['V3'], (t) => (t === 0 ? insert.body : undefined));
    let body: unknown;
    fake.use(
      route.post(`/v3/sessions/${SH}/statements`, async ({ request }) => {
        body = await request.json();
        return Response.json({ operationHandle: OH });
      }),
    );
    await using sql = gateway();
    const { jobId, config } = await sql.submit('INSERT INTO sink SELECT * FROM src', {
      savepointPath: 'file:///sp/savepoint-1',
      parallelism: 2,
      allowNonRestoredState: true,
      config: { 'pipeline.name': 'etl' },
    });
    expect(jobId).toBe(insert.body['jobID']);
    const sent = {
      'execution.savepoint.path': 'file:///sp/savepoint-1',
      'parallelism.default': '2',
      'execution.savepoint.ignore-unclaimed-state': 'true',
      'pipeline.name': 'etl',
    };
    expect(config).toEqual(sent);
    expect(body).toEqual({ statement: 'INSERT INTO sink SELECT * FROM src', executionConfig: sent });
    const before = fake.requests.length;
    await expect(sql.submit('SELECT 1')).rejects.toThrow(/this is a query: use query\(\)/);
    expect(fake.requests.length).toBe(before);
  });

  it('heartbeats a session at a third of the idle timeout, and stops on close', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    fakeGateway(['V3'], undefined, '600ms');
    let beat: () => void = () => undefined;
    const beats: number[] = [];
    fake.use(
      route.post(`/v3/sessions/${SH}/heartbeat`, () => {
        beats.push(Date.now());
        beat();
        return Response.json({});
      }),
    );
    const nextBeat = () => new Promise<void>((resolve) => (beat = resolve));
    const sql = gateway({ heartbeatIntervalMs: undefined });
    const session = await sql.openSession();
    for (const n of [1, 2]) {
      const next = nextBeat();
      await vi.advanceTimersByTimeAsync(199);
      expect(beats.length).toBe(n - 1); // not before 200 ms
      await vi.advanceTimersByTimeAsync(1);
      await next;
    }
    await sql.close();
    expect(session.isOpen).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(beats.length).toBe(2);
  });

  it('reports an endpoint that answers 404 for /api_versions (a JobManager) as no SQL Gateway there', async () => {
    fake.use(route.get('/api_versions', () => Response.json({ errors: ['Not found: /api_versions'] }, { status: 404 })));
    await using sql = gateway();
    const error = await sql.apiVersion().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlinkConnectionError);
    expect((error as Error).message).toMatch(/^no SQL Gateway at http:\/\/gateway\.test:8083\/: GET \/api_versions answered HTTP 404/);
  });

  it("reports a reply that is not the gateway's JSON with where a gateway listens", async () => {
    fake.use(
      route.get('/api_versions', () => new Response('<html><title>Welcome</title></html>', { headers: { 'content-type': 'text/html' } })),
    );
    await using sql = gateway();
    const error = await sql.apiVersion().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlinkResponseError);
    expect((error as Error).message).toMatch(
      /^GET \/api_versions answered an HTML page \("Welcome"\) \(text\/html\), not Flink's JSON\. Is http:\/\/gateway\.test:8083 Flink's SQL Gateway\? .*8083 by default/,
    );
  });
});
