import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FlinkConnectionError } from '../../../src/errors/index.ts';
import { FlinkSqlSyntaxError, FlinkSqlUnsupportedError, SqlGateway, type SqlGatewayOptions } from '../../../src/sql/index.ts';

const GW = 'http://gateway.test:8083';
const SH = '11111111-1111-1111-1111-111111111111';
const OH = '22222222-2222-2222-2222-222222222222';
const JOB = 'c41f4f5557c866330c7df8241d8acb1e';
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
const row = (id: string, name: string) => ({ kind: 'INSERT', fields: [id === 'big' ? '__BIG__' : Number(id), name] });
const recorded = (name: string) =>
  JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/sql-gateway/1.20', `${name}.json`), 'utf8')) as {
    status: number;
    body: unknown;
  };

const server = setupServer();
const seen: string[] = [];
server.events.on('request:start', ({ request }) => {
  const url = new URL(request.url);
  seen.push(`${request.method} ${url.pathname}${url.search}`);
});
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
beforeEach(() => {
  seen.length = 0;
});
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** A gateway serving `versions`, one session, one operation whose result pages are `pages` (by token). */
function fakeGateway(versions: string[], pages: Array<(token: number) => Response | object>, idleTimeout = '10 min') {
  server.use(
    http.get(`${GW}/api_versions`, () => HttpResponse.json({ versions })),
    http.get(`${GW}/:v/info`, () => HttpResponse.json({ productName: 'Apache Flink', version: '1.20.3' })),
    http.post(`${GW}/:v/sessions`, () => HttpResponse.json({ sessionHandle: SH })),
    http.get(`${GW}/:v/sessions/${SH}`, () => HttpResponse.json({ properties: { 'sql-gateway.session.idle-timeout': idleTimeout } })),
    http.delete(`${GW}/:v/sessions/${SH}`, () => HttpResponse.json({ status: 'CLOSED' })),
    http.post(`${GW}/:v/sessions/${SH}/statements`, () => HttpResponse.json({ operationHandle: OH })),
    http.delete(`${GW}/:v/sessions/${SH}/operations/${OH}/close`, () => HttpResponse.json({ status: 'CLOSED' })),
    http.get(`${GW}/:v/sessions/${SH}/operations/${OH}/result/:token`, ({ params }) => {
      const token = Number(params['token']);
      const reply = pages[token]?.(token) ?? { resultType: 'EOS', results: { columns, data: [] } };
      return reply instanceof Response ? reply : HttpResponse.json(reply as Record<string, unknown>);
    }),
  );
}

function gateway(options: SqlGatewayOptions = {}): SqlGateway {
  return new SqlGateway({
    url: GW,
    fetch: globalThis.fetch,
    retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5 },
    heartbeatIntervalMs: false,
    ...options,
  });
}

describe('SqlGateway against a fake gateway', () => {
  it('follows the result tokens to the end, waiting out NOT_READY and empty pages, rows typed', async () => {
    fakeGateway(
      ['V1', 'V2', 'V3'],
      [() => ({ resultType: 'NOT_READY', nextResultUri: `/v3/sessions/${SH}/operations/${OH}/result/0?rowFormat=JSON` })],
    );
    // Token 0 is NOT_READY once, then pages 0-2 (1 empty), then EOS.
    let calls = 0;
    server.use(
      http.get(`${GW}/v3/sessions/${SH}/operations/${OH}/result/:token`, ({ params }) => {
        const token = Number(params['token']);
        if (token === 0 && calls++ === 0)
          return HttpResponse.json({
            resultType: 'NOT_READY',
            nextResultUri: `/v3/sessions/${SH}/operations/${OH}/result/0?rowFormat=JSON`,
          });
        const body = [page(0, [row('1', 'a'), row('big', 'b')], true), page(1, [], true), page(2, [row('3', 'c')], true)][token];
        return new HttpResponse(
          JSON.stringify(body ?? { resultType: 'EOS', results: { columns, data: [] } }).replace('"__BIG__"', '9007199254740993'),
          {
            headers: { 'content-type': 'application/json' },
          },
        );
      }),
    );
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
    expect(seen.filter((s) => s.includes('/result/'))).toEqual([
      `GET /v3/sessions/${SH}/operations/${OH}/result/0?rowFormat=JSON`,
      `GET /v3/sessions/${SH}/operations/${OH}/result/0?rowFormat=JSON`,
      `GET /v3/sessions/${SH}/operations/${OH}/result/1?rowFormat=JSON`,
      `GET /v3/sessions/${SH}/operations/${OH}/result/2?rowFormat=JSON`,
      `GET /v3/sessions/${SH}/operations/${OH}/result/3?rowFormat=JSON`,
    ]);
  });

  it('speaks v1 to a gateway that serves only v1: no rowFormat, and configure-session refused before sending', async () => {
    fakeGateway(['V1'], [(t) => page(t, [row('1', 'a')], false, 'v1')]);
    await using sql = gateway();
    const { rows } = await sql.query('SELECT 1');
    expect(rows).toEqual([{ id: 1n, name: 'a' }]);
    expect(seen).toContain(`GET /v1/sessions/${SH}/operations/${OH}/result/0`);
    const session = await sql.session();
    const before = seen.length;
    await expect(session.configure("SET 'a' = 'b'")).rejects.toThrow(FlinkSqlUnsupportedError);
    expect(seen.length).toBe(before);
  });

  it('closes the operation when the reader stops early (the job of an unbounded query ends with it)', async () => {
    fakeGateway(['V3'], [(t) => page(t, [row('1', 'a'), row('2', 'b')], true), (t) => page(t, [row('3', 'c')], true)]);
    await using sql = gateway();
    const op = await sql.execute('SELECT * FROM unbounded');
    for await (const r of op.rows()) {
      expect(r['id']).toBe(1n);
      break;
    }
    expect(seen).toContain(`DELETE /v3/sessions/${SH}/operations/${OH}/close`);
  });

  it('never repeats a statement POST whose reply was lost (it may have started a job)', async () => {
    fakeGateway(['V3'], []);
    let posts = 0;
    server.use(
      http.post(`${GW}/v3/sessions/${SH}/statements`, () => {
        posts++;
        return HttpResponse.error();
      }),
    );
    await using sql = gateway();
    await sql.session();
    const error = await sql.execute('INSERT INTO t SELECT 1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlinkConnectionError);
    expect(posts).toBe(1);
  });

  it('repeats a result fetch that failed on the way (a GET of the same token is safe)', async () => {
    fakeGateway(['V3'], []);
    let fetches = 0;
    server.use(
      http.get(`${GW}/v3/sessions/${SH}/operations/${OH}/result/0`, () => {
        if (fetches++ === 0) return HttpResponse.error();
        return HttpResponse.json({ ...page(0, [row('7', 'x')], false), resultType: 'EOS' });
      }),
    );
    await using sql = gateway();
    expect((await sql.query('SELECT 7')).rows).toEqual([{ id: 7n, name: 'x' }]);
    expect(fetches).toBe(2);
  });

  it("types the gateway's error reply for a statement, and its INSERT job id", async () => {
    const syntax = recorded('syntax-error');
    fakeGateway(['V3'], [() => HttpResponse.json(syntax.body as Record<string, unknown>, { status: syntax.status })]);
    await using sql = gateway();
    await expect(sql.query('SELECT id FROM (VALUES (1)) AS t(id) WHERE')).rejects.toThrow(FlinkSqlSyntaxError);

    const insert = recorded('insert-result');
    fakeGateway(['V3'], [() => insert.body as object]);
    await using sql2 = gateway();
    const { jobId, config } = await sql2.submit('INSERT INTO sink SELECT * FROM src', {
      savepointPath: 'file:///sp/savepoint-1',
      parallelism: 2,
    });
    expect(jobId).toMatch(/^[0-9a-f]{32}$/);
    expect(config).toEqual({ 'execution.savepoint.path': 'file:///sp/savepoint-1', 'parallelism.default': '2' });
  });

  it("sends the submit configuration as the statement's executionConfig (this statement only)", async () => {
    const insert = recorded('insert-result');
    fakeGateway(['V3'], [() => insert.body as object]);
    let body: unknown;
    server.use(
      http.post(`${GW}/v3/sessions/${SH}/statements`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({ operationHandle: OH });
      }),
    );
    await using sql = gateway();
    await sql.submit('INSERT INTO sink SELECT * FROM src', { allowNonRestoredState: true, config: { 'pipeline.name': 'etl' } });
    expect(body).toEqual({
      statement: 'INSERT INTO sink SELECT * FROM src',
      executionConfig: { 'execution.savepoint.ignore-unclaimed-state': 'true', 'pipeline.name': 'etl' },
    });
    await expect(sql.submit('SELECT 1')).rejects.toThrow(/this is a query: use query\(\)/);
  });

  it('heartbeats a session at a third of the idle timeout, and stops on close', async () => {
    fakeGateway(['V3'], [], '600ms');
    let beats = 0;
    server.use(
      http.post(`${GW}/v3/sessions/${SH}/heartbeat`, () => {
        beats++;
        return HttpResponse.json({});
      }),
    );
    const sql = new SqlGateway({ url: GW, fetch: globalThis.fetch });
    const session = await sql.openSession();
    await expect.poll(() => beats, { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
    await sql.close();
    const after = beats;
    await new Promise((r) => setTimeout(r, 500));
    expect(beats).toBe(after);
    expect(session.isOpen).toBe(false);
  });

  it('reports an endpoint that answers 404 for /api_versions (a JobManager) as no SQL Gateway there', async () => {
    server.use(http.get(`${GW}/api_versions`, () => HttpResponse.json({ errors: ['Not found: /api_versions'] }, { status: 404 })));
    await using sql = gateway();
    const error = await sql.query('SELECT 1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlinkConnectionError);
    expect((error as Error).message).toMatch(/^no SQL Gateway at http:\/\/gateway\.test:8083\/: GET \/api_versions answered HTTP 404/);
  });
});
