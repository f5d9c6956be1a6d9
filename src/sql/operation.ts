import { Backoff } from '../core/backoff.js';
import { sleep } from '../internal/sleep.js';
import type { RequestOptions } from '../options.js';
import { path } from '../transport/path.js';
import type { GatewayConnection } from './connection.js';
import type { SqlErrorContext } from './error-rules.js';
import { FlinkSqlError } from './errors.js';
import { parseExact, type RowKind, type SqlColumn, type SqlRow, toColumn, toRow } from './types.js';
import { supports } from './versions.js';
import { FetchedResults, OperationStatusBody, type WireResults } from './wire.js';

/** Status of an operation on the gateway. */
export type SqlOperationStatus = 'INITIALIZED' | 'PENDING' | 'RUNNING' | 'FINISHED' | 'CANCELED' | 'CLOSED' | 'ERROR' | 'TIMEOUT';

/** One batch of rows as the gateway handed it over (one fetch with data). */
export interface SqlPage {
  /** Columns of the result. */
  columns: SqlColumn[];
  /** The rows with their change kind. */
  changes: Array<{ kind: RowKind; row: SqlRow }>;
  /** The job the statement started, when it started one (INSERT, and the collecting job of a SELECT). */
  jobId: string | undefined;
  /** True for the result of a query (SELECT), false for what a statement returns (an INSERT's job id, `OK`). */
  isQueryResult: boolean | undefined;
}

/** Options of reading results. */
export interface ResultOptions {
  /** Stops the reading (the operation is closed, as when the caller stops early). */
  signal?: AbortSignal | undefined;
  /** First pause while the gateway has no new rows, in milliseconds. @default 100 */
  minPollMs?: number | undefined;
  /** Longest pause while the gateway has no new rows. @default 1000 */
  maxPollMs?: number | undefined;
  /** Close the operation when the caller stops before the end (cancels the job of an unbounded query). @default true */
  closeOnStop?: boolean | undefined;
}

/**
 * What an operation needs from its session.
 * @internal
 */
export interface OperationOwner {
  readonly connection: GatewayConnection;
  readonly handle: string;
  errorContext(statement?: string, operationHandle?: string): SqlErrorContext;
  /** Adds what only the session knows to an error (the catalog and database an unknown table was looked for in). */
  explainError(error: unknown): Promise<unknown>;
}

/**
 * A statement running on the SQL Gateway: its status, its results (read through the gateway's
 * token protocol, following `nextResultUri` until the end), its job id, cancel and close.
 * Read its results once, from one place: rows are handed out as they come.
 *
 * @example
 * ```ts
 * const op = await session.execute('SELECT id, name FROM users');
 * for await (const row of op.rows()) console.log(row.id, row.name);
 * ```
 */
export class SqlOperation {
  /** The gateway's operation handle. */
  readonly handle: string;
  /** The statement as sent. */
  readonly statement: string;
  private readonly owner: OperationOwner;
  private token = 0;
  private ended = false;
  private known: { columns?: SqlColumn[]; jobId?: string; isQueryResult?: boolean } = {};
  private readonly buffered: SqlPage[] = [];

  /** @internal */
  constructor(owner: OperationOwner, handle: string, statement: string) {
    this.owner = owner;
    this.handle = handle;
    this.statement = statement;
  }

  /** The operation's status on the gateway. */
  async status(options?: RequestOptions): Promise<SqlOperationStatus> {
    const body = await this.owner.connection.call(
      { method: 'GET', path: this.route('status'), schema: OperationStatusBody },
      options,
      this.context(),
    );
    return body.status as SqlOperationStatus;
  }

  /**
   * Cancels the operation while it still runs. One that already ended keeps its status, which is
   * returned. (A query's job keeps running after its operation FINISHED: {@link close} ends it.)
   */
  async cancel(options?: RequestOptions): Promise<SqlOperationStatus> {
    try {
      const body = await this.owner.connection.call(
        { method: 'POST', path: this.route('cancel'), idempotent: true, schema: OperationStatusBody },
        options,
        this.context(),
      );
      return body.status as SqlOperationStatus;
    } catch (error) {
      const from = alreadyEnded(error);
      if (from) return from;
      throw error;
    }
  }

  /**
   * Closes the operation and discards its results on the gateway; the job of a query (SELECT)
   * that still runs is cancelled with it, the job of an INSERT is not. Closing twice is fine.
   */
  async close(options?: RequestOptions): Promise<void> {
    this.ended = true;
    try {
      await this.owner.connection.call(
        { method: 'DELETE', path: this.route('close'), schema: OperationStatusBody },
        options,
        this.context(),
      );
    } catch (error) {
      if (error instanceof FlinkSqlError && /is unknown to the gateway/.test(error.message)) return;
      throw error;
    }
  }

  /**
   * The id of the job the statement started, once the gateway says it (an INSERT's first result),
   * or `undefined` when the statement ended without one (DDL, SET, …). Rows read meanwhile are kept
   * for {@link rows}.
   */
  async jobId(options: ResultOptions = {}): Promise<string | undefined> {
    await this.readUntil(() => this.known.jobId !== undefined, options);
    return this.known.jobId;
  }

  /** The result's columns (known with the first batch of results; empty when the statement returns none). */
  async columns(options: ResultOptions = {}): Promise<SqlColumn[]> {
    await this.readUntil(() => this.known.columns !== undefined, options);
    return this.known.columns ?? [];
  }

  /**
   * The result in batches, as the gateway hands them over, until the end of the result or until
   * the caller stops (then the operation is closed, see `closeOnStop`).
   * @throws {@link FlinkSqlError} (and subclasses) when the statement failed.
   */
  async *pages(options: ResultOptions = {}): AsyncGenerator<SqlPage, void, undefined> {
    let finished = false;
    try {
      for (;;) {
        const page = this.buffered.shift() ?? (await this.fetchPage(options));
        if (!page) break;
        yield page;
      }
      finished = true;
    } finally {
      if (!finished && !this.ended && options.closeOnStop !== false) await this.close().catch(() => undefined);
    }
  }

  /** The result's rows (of every change kind; see {@link changes} for updating queries). */
  async *rows(options: ResultOptions = {}): AsyncGenerator<SqlRow, void, undefined> {
    for await (const page of this.pages(options)) for (const change of page.changes) yield change.row;
  }

  /**
   * The result's rows with their change kind: an updating query (a streaming GROUP BY) retracts
   * rows with `UPDATE_BEFORE` and sends their new version as `UPDATE_AFTER`.
   */
  async *changes(options: ResultOptions = {}): AsyncGenerator<{ kind: RowKind; row: SqlRow }, void, undefined> {
    for await (const page of this.pages(options)) yield* page.changes;
  }

  /** True once the result was read to its end (or the operation closed). */
  get done(): boolean {
    return this.ended && this.buffered.length === 0;
  }

  /** Reads (and keeps) batches until `until` holds or the result ends. */
  private async readUntil(until: () => boolean, options: ResultOptions): Promise<void> {
    while (!until() && !this.ended) {
      const page = await this.fetchPage(options);
      if (page) this.buffered.push(page);
    }
  }

  /**
   * The next batch with rows, polling while the gateway has none (NOT_READY, or a page without rows:
   * nothing new yet) with the one backoff, x1.5 from `minPollMs` up to `maxPollMs`; undefined at
   * the end. A failed fetch was already retried by the transport's retry policy (a GET of the same
   * token is safe to repeat) and ends the reading.
   */
  private async fetchPage(options: ResultOptions): Promise<SqlPage | undefined> {
    const min = options.minPollMs ?? 100;
    const backoff = new Backoff({ minMs: min, maxMs: Math.max(min, options.maxPollMs ?? 1_000), factor: 1.5 });
    while (!this.ended) {
      const body = await this.fetch(options.signal);
      const next = /\/result\/(\d+)/.exec(body.nextResultUri ?? '')?.[1];
      if (body.resultType === 'EOS' || next === undefined) this.ended = true;
      else this.token = Number(next);
      const page = this.toPage(body);
      if (page.changes.length > 0) return page;
      if (this.ended) return undefined;
      await sleep(backoff.delayMs, options.signal);
      backoff.grow();
    }
    return undefined;
  }

  /** One result fetch; Flink refuses most statements here, and an unknown table gets the path searched. */
  private async fetch(signal: AbortSignal | undefined): Promise<WireResults> {
    const { version } = await this.owner.connection.versions();
    const query = supports(version, 'v2') ? { rowFormat: 'JSON' } : undefined;
    try {
      return await this.owner.connection.call(
        // Numbers parsed from their text: BIGINT and DECIMAL values keep every digit.
        { method: 'GET', path: this.route(`result/${this.token}`), query, schema: FetchedResults, parse: parseExact },
        signal ? { signal } : undefined,
        this.context(),
      );
    } catch (error) {
      throw await this.owner.explainError(error);
    }
  }

  private toPage(body: WireResults): SqlPage {
    if (body.jobID) this.known.jobId = body.jobID;
    const isQuery = body.isQueryResult ?? body.queryResult ?? undefined;
    if (isQuery !== undefined) this.known.isQueryResult = isQuery;
    if (body.results?.columns) this.known.columns = body.results.columns.map(toColumn);
    const columns = this.known.columns ?? [];
    const changes = (body.results?.data ?? []).map((r) => ({ kind: r.kind as RowKind, row: toRow(columns, r.fields) }));
    return { columns, changes, jobId: this.known.jobId, isQueryResult: this.known.isQueryResult };
  }

  private route(tail: string): string {
    const [what, token] = tail.split('/');
    return token === undefined
      ? path`/sessions/${this.owner.handle}/operations/${this.handle}/${what as string}`
      : path`/sessions/${this.owner.handle}/operations/${this.handle}/result/${token}`;
  }

  private context(): SqlErrorContext {
    return this.owner.errorContext(this.statement, this.handle);
  }
}

/** The status of an operation that had already ended when it was cancelled (the gateway refuses that). */
function alreadyEnded(error: unknown): SqlOperationStatus | undefined {
  if (!(error instanceof FlinkSqlError)) return undefined;
  return /Failed to convert the Operation Status from (\w+) to CANCELED/.exec(error.flinkMessage)?.[1] as SqlOperationStatus | undefined;
}
