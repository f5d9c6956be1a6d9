import type { FlinkClient } from '../client.js';
import { FlinkInputError } from '../errors/flink-error.js';
import type { RequestOptions } from '../options.js';
import type { JobDetails } from '../schemas/jobs.js';
import { path } from '../transport/path.js';
import type { GatewayConnection } from './connection.js';
import { type SqlErrorContext, withSearchedPath } from './error-rules.js';
import { FlinkSqlSessionError } from './errors.js';
import { type ResultOptions, SqlOperation } from './operation.js';
import { parsePlan, type SqlPlan } from './plan.js';
import { statementKind } from './statements.js';
import { type SqlSubmitOptions, submitConfig } from './submit-config.js';
import type { SqlColumn, SqlRow } from './types.js';
import { Completion, ExecutedStatement, SessionConfig } from './wire.js';

/** Options of {@link SqlSession.execute}. */
export interface ExecuteOptions extends RequestOptions {
  /** Configuration for this statement only (the gateway's `executionConfig`), e.g. `{ 'parallelism.default': '4' }`. */
  config?: Record<string, string> | undefined;
}

/** What {@link SqlSession.query} returns. */
export interface SqlQueryResult<R extends SqlRow = SqlRow> {
  columns: SqlColumn[];
  rows: R[];
  /** True when `maxRows` cut the result (the query was then closed, its job cancelled). */
  truncated: boolean;
  /** The job that computed it (queries run as jobs on the cluster). */
  jobId: string | undefined;
}

/** What {@link SqlSession.submit} returns. */
export interface SqlSubmitResult {
  /** The job the statement started. */
  jobId: string;
  /** The statement as sent. */
  statement: string;
  /** The configuration it was submitted with (savepoint path, parallelism, …), for a later upgrade. */
  config: Record<string, string>;
  /** With `until: 'RUNNING'`: the job with all tasks running. */
  job?: JobDetails | undefined;
}

/**
 * A session on the SQL Gateway: its own catalog state (tables created with CREATE TABLE live in
 * it) and configuration. Kept alive by heartbeats while open; close it when done (also with
 * `await using`), or the gateway drops it after `sql-gateway.session.idle-timeout`.
 *
 * @example
 * ```ts
 * await using session = await sql.openSession({ properties: { 'execution.runtime-mode': 'batch' } });
 * const { rows } = await session.query('SELECT 1 AS n');
 * ```
 */
export class SqlSession implements AsyncDisposable {
  /** The gateway's session handle. */
  readonly handle: string;
  /** @internal */
  readonly connection: GatewayConnection;
  private readonly flink: FlinkClient | undefined;
  private open = true;
  private timer: NodeJS.Timeout | undefined;

  /** @internal */
  constructor(connection: GatewayConnection, handle: string, flink: FlinkClient | undefined) {
    this.connection = connection;
    this.handle = handle;
    this.flink = flink;
  }

  /** True until {@link close}. */
  get isOpen(): boolean {
    return this.open;
  }

  /**
   * Sends a statement; returns once the gateway accepted it, with the operation to read its
   * results from. The POST is never repeated (it may have started a job): a lost reply says so.
   * @throws {@link FlinkSqlError} subclasses when Flink refuses it at once; most refusals come with the results.
   */
  async execute(statement: string, options: ExecuteOptions = {}): Promise<SqlOperation> {
    checkStatement(statement);
    const { config, ...request } = options;
    if (config) checkConfig(config);
    const body = await this.connection.call(
      {
        method: 'POST',
        path: path`/sessions/${this.handle}/statements`,
        json: { statement, ...(config && Object.keys(config).length > 0 ? { executionConfig: config } : {}) },
        schema: ExecutedStatement,
        lostReplyHint: 'The statement may have started a job: look for it (flink-kit list, jobs.list()) before sending it again.',
      },
      request,
      this.errorContext(statement),
    );
    return new SqlOperation(this, body.operationHandle, statement);
  }

  /**
   * Runs a query and collects its rows (at most `maxRows`; an unbounded query is then closed and its
   * job cancelled). Unknown tables are reported with the catalog and database searched.
   * @example const { columns, rows } = await session.query<{ n: bigint }>('SELECT COUNT(*) AS n FROM orders');
   */
  async query<R extends SqlRow = SqlRow>(
    statement: string,
    options: ExecuteOptions & ResultOptions & { maxRows?: number } = {},
  ): Promise<SqlQueryResult<R>> {
    const maxRows = options.maxRows ?? 10_000;
    const op = await this.execute(statement, options);
    const rows: R[] = [];
    let truncated = false;
    for await (const row of op.rows(options)) {
      if (rows.length >= maxRows) {
        truncated = true;
        break;
      }
      rows.push(row as R);
    }
    return { columns: await op.columns(), rows, truncated, jobId: await op.jobId() };
  }

  /**
   * Submits a statement that starts a job (`INSERT INTO`, `EXECUTE STATEMENT SET`, `EXECUTE PLAN`)
   * and returns its job id. `savepointPath`, `parallelism` and `config` apply to this statement only.
   * @example
   * ```ts
   * const { jobId } = await session.submit('INSERT INTO sink SELECT * FROM src', { savepointPath, until: 'RUNNING' });
   * ```
   * @throws `FlinkInputError` for a statement that starts no job (a SELECT: use {@link query}).
   */
  async submit(statement: string, options: SqlSubmitOptions = {}): Promise<SqlSubmitResult> {
    checkStatement(statement);
    const kind = statementKind(statement);
    if (kind !== 'job') {
      throw new FlinkInputError(
        `submit() runs a statement that starts a job and returns its id (INSERT INTO …, EXECUTE STATEMENT SET BEGIN … END); this is ${kind === 'query' ? 'a query: use query() or execute() to read its rows' : 'no such statement: use execute()'}`,
      );
    }
    if (options.until === 'RUNNING' && !this.flink) {
      throw new FlinkInputError("until: 'RUNNING' needs the JobManager: pass flink (a FlinkClient) to new SqlGateway({ url, flink })");
    }
    const config = submitConfig(await this.connection.flinkVersion(options), options);
    const op = await this.execute(statement, { ...requestOf(options), config });
    const jobId = await op.jobId(options.signal ? { signal: options.signal } : {});
    await op.close().catch(() => undefined); // an INSERT's job does not depend on its operation
    if (!jobId) throw new FlinkInputError(`the statement ended without starting a job: ${statement.slice(0, 200)}`);
    const job =
      options.until === 'RUNNING' && this.flink
        ? await this.flink.jobs.waitFor(jobId, {
            until: 'RUNNING',
            ...(options.waitTimeoutMs !== undefined ? { waitTimeoutMs: options.waitTimeoutMs } : {}),
            ...(options.signal ? { signal: options.signal } : {}),
          })
        : undefined;
    return { jobId, statement, config, ...(job ? { job } : {}) };
  }

  /**
   * The plan Flink would run for a statement, without running it (`EXPLAIN JSON_EXECUTION_PLAN`):
   * the operators of its stream graph with parallelism and how data moves between them, and the
   * optimizer's plans as text. Job vertex ids are not in it: Flink derives them when the job is built.
   */
  async plan(statement: string, options: ExecuteOptions = {}): Promise<SqlPlan> {
    checkStatement(statement);
    const { rows } = await this.query(`EXPLAIN JSON_EXECUTION_PLAN ${statement}`, options);
    const text = rows.map((r) => String(Object.values(r)[0] ?? '')).join('\n');
    return parsePlan(text);
  }

  /**
   * Runs a statement that only changes the session (SET, RESET, CREATE/DROP TABLE, USE, ADD JAR, …)
   * through `configure-session` (REST API v2, Flink 1.17+).
   * @throws {@link FlinkSqlUnsupportedError} on a gateway that speaks only v1.
   */
  async configure(statement: string, options: RequestOptions = {}): Promise<void> {
    checkStatement(statement);
    await this.connection.require('configure-session', options);
    await this.connection.call(
      { method: 'POST', path: path`/sessions/${this.handle}/configure-session`, json: { statement } },
      options,
      this.errorContext(statement),
    );
  }

  /** Completion hints at `position` (0-based) of a statement (REST API v2, Flink 1.17+). */
  async complete(statement: string, position = statement.length, options: RequestOptions = {}): Promise<string[]> {
    await this.connection.require('complete-statement', options);
    const body = await this.connection.call(
      { method: 'GET', path: path`/sessions/${this.handle}/complete-statement`, json: { statement, position }, schema: Completion },
      options,
      this.errorContext(statement),
    );
    return body.candidates;
  }

  /** The session's effective configuration (the gateway's defaults with the session's properties). */
  async properties(options: RequestOptions = {}): Promise<Record<string, string>> {
    const body = await this.connection.call(
      { method: 'GET', path: path`/sessions/${this.handle}`, schema: SessionConfig },
      options,
      this.errorContext(),
    );
    return body.properties;
  }

  /** Tells the gateway the session is in use (done every `heartbeatIntervalMs` while open). */
  async heartbeat(options: RequestOptions = {}): Promise<void> {
    await this.connection.call(
      { method: 'POST', path: path`/sessions/${this.handle}/heartbeat`, idempotent: true },
      options,
      this.errorContext(),
    );
  }

  /**
   * Sends heartbeats every `intervalMs` until {@link close}; stops when the gateway no longer knows the session.
   * @internal
   */
  keepAlive(intervalMs: number): void {
    this.timer = setInterval(() => {
      this.heartbeat({ retry: false }).catch((error: unknown) => {
        if (error instanceof FlinkSqlSessionError) clearInterval(this.timer);
      });
    }, intervalMs);
    this.timer.unref();
  }

  /** Closes the session and everything in it (its operations, the tables it created). Safe to call twice. */
  async close(options: RequestOptions = {}): Promise<void> {
    clearInterval(this.timer);
    if (!this.open) return;
    this.open = false;
    try {
      await this.connection.call({ method: 'DELETE', path: path`/sessions/${this.handle}` }, options, this.errorContext());
    } catch (error) {
      if (!(error instanceof FlinkSqlSessionError)) throw error; // gone already: closed is closed
    }
  }

  /** `await using session = await sql.openSession()` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** @internal */
  errorContext(statement?: string, operationHandle?: string): SqlErrorContext {
    return { statement, sessionHandle: this.handle, sessionOpen: this.open, operationHandle };
  }

  /**
   * An unknown table, with the catalog and database Flink searched for an unqualified name.
   * @internal
   */
  explainError(error: unknown): Promise<unknown> {
    return withSearchedPath(error, (statement) => this.scalar(statement));
  }

  private async scalar(statement: string): Promise<string | undefined> {
    const op = await this.execute(statement);
    for await (const row of op.rows()) return String(Object.values(row)[0]);
    return undefined;
  }
}

function checkStatement(statement: unknown): asserts statement is string {
  if (typeof statement !== 'string' || statement.trim() === '') {
    throw new FlinkInputError(
      `a statement must be a non-empty string of SQL, got ${typeof statement === 'string' ? 'an empty one' : typeof statement}`,
    );
  }
}

function checkConfig(config: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(config)) {
    if (typeof value !== 'string')
      throw new FlinkInputError(`config ${key} must be a string (Flink reads every value from text), got ${typeof value}`);
  }
}

function requestOf(options: RequestOptions): RequestOptions {
  const { signal, headers, retry } = options;
  return { ...(signal ? { signal } : {}), ...(headers ? { headers } : {}), ...(retry !== undefined ? { retry } : {}) };
}
