import type { FlinkClient } from '../client.js';
import type { FlinkVersion } from '../compat/versions.js';
import { FlinkInputError } from '../errors/flink-error.js';
import type { ClientOptions, RequestOptions } from '../options.js';
import { path } from '../transport/path.js';
import { DEFAULT_SQL_GATEWAY_PORT, GatewayConnection } from './connection.js';
import type { ResultOptions, SqlOperation } from './operation.js';
import type { SqlPlan } from './plan.js';
import { type ExecuteOptions, type SqlQueryResult, SqlSession, type SqlSubmitResult } from './session.js';
import type { SqlSubmitOptions } from './submit-config.js';
import type { SqlRow } from './types.js';
import type { SqlApiVersion } from './versions.js';
import { OpenedSession, SessionConfig } from './wire.js';

/** Options of {@link SqlGateway}: those of `FlinkClient` (timeouts, retries, headers, TLS) and the gateway's own. */
export interface SqlGatewayOptions extends Omit<ClientOptions, 'url'> {
  /**
   * Base URL of the SQL Gateway's REST endpoint (scheme required).
   * @default process.env.FLINK_SQL_URL ?? 'http://127.0.0.1:8083'
   */
  url?: string | undefined;
  /** Speak this REST API version (`v1`…`v4`) instead of the newest both sides speak. */
  apiVersion?: SqlApiVersion | Uppercase<SqlApiVersion> | undefined;
  /**
   * Heartbeat of open sessions, in milliseconds; `false` for none. Default: a third of the gateway's
   * `sql-gateway.session.idle-timeout` (read from the session), at most 60 s.
   */
  heartbeatIntervalMs?: number | false | undefined;
  /** The JobManager's client: `submit(…, { until: 'RUNNING' })` waits through it. */
  flink?: FlinkClient | undefined;
  /** Properties of the session the shortcut methods (`execute`, `query`, `submit`, `plan`) open on first use. */
  session?: SqlSessionOptions | undefined;
}

/** Options of {@link SqlGateway.openSession}. */
export interface SqlSessionOptions extends RequestOptions {
  /** Session configuration, e.g. `{ 'execution.runtime-mode': 'batch' }`; overrides the gateway's defaults. */
  properties?: Record<string, string> | undefined;
  /** A name for the session, shown in the gateway's logs. */
  name?: string | undefined;
}

/**
 * Client of Flink's SQL Gateway (REST, port 8083 by default; Flink 1.16+): sessions, statements,
 * results as typed rows, the jobs that statements start. Same transport, errors, retries and TLS
 * options as `FlinkClient`; the REST API version is negotiated on first use.
 *
 * @example
 * ```ts
 * import { SqlGateway } from 'flink-kit/sql';
 * await using sql = new SqlGateway({ url: 'http://localhost:8083' });
 * await sql.execute("CREATE TABLE src (n BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '10')");
 * const { rows } = await sql.query('SELECT COUNT(*) AS c FROM src'); // [{ c: 10n }]
 * ```
 */
export class SqlGateway implements AsyncDisposable {
  private readonly connection: GatewayConnection;
  private readonly options: SqlGatewayOptions;
  private readonly sessions = new Set<SqlSession>();
  private defaultSession: Promise<SqlSession> | undefined;

  /** @throws `FlinkInputError` for a URL without `http://` or `https://`, or a bad heartbeat interval. */
  constructor(options: SqlGatewayOptions = {}) {
    const url = options.url ?? process.env['FLINK_SQL_URL'] ?? `http://127.0.0.1:${DEFAULT_SQL_GATEWAY_PORT}`;
    const beat = options.heartbeatIntervalMs;
    if (beat !== undefined && beat !== false && (!Number.isFinite(beat) || beat < 100))
      throw new FlinkInputError(`heartbeatIntervalMs must be at least 100 (milliseconds) or false, got ${String(beat)}`);
    this.options = options;
    this.connection = new GatewayConnection({ ...options, url, apiVersion: options.apiVersion });
  }

  /** The gateway's base URL. */
  get url(): string {
    return this.connection.url;
  }

  /** The REST API version in use (negotiated with the first call) and the versions the gateway serves. */
  apiVersion(options?: RequestOptions): Promise<{ version: SqlApiVersion; served: string[] }> {
    return this.connection.versions(options);
  }

  /** The Flink version of the gateway. */
  flinkVersion(options?: RequestOptions): Promise<FlinkVersion> {
    return this.connection.flinkVersion(options);
  }

  /**
   * Opens a session (kept alive by heartbeats until closed).
   * @example await using session = await sql.openSession({ properties: { 'table.exec.state.ttl': '1 h' } });
   */
  async openSession(options: SqlSessionOptions = {}): Promise<SqlSession> {
    for (const [key, value] of Object.entries(options.properties ?? {}))
      if (typeof value !== 'string') throw new FlinkInputError(`session property ${key} must be a string, got ${typeof value}`);
    const { properties, name, ...request } = options;
    const body = await this.connection.call(
      {
        method: 'POST',
        path: '/sessions',
        json: { ...(properties ? { properties } : {}), ...(name ? { sessionName: name } : {}) },
        schema: OpenedSession,
        // A repeat opens at most a second session, which the gateway drops once idle.
        idempotent: true,
      },
      request,
    );
    const session = new SqlSession(this.connection, body.sessionHandle, this.options.flink);
    this.sessions.add(session);
    const interval = await this.heartbeatInterval(session, request);
    if (interval) session.keepAlive(interval);
    return session;
  }

  /** The session the shortcut methods use, opened with `options.session` on first use. */
  session(): Promise<SqlSession> {
    this.defaultSession ??= this.openSession(this.options.session ?? {});
    this.defaultSession.catch(() => {
      this.defaultSession = undefined;
    });
    return this.defaultSession;
  }

  /** {@link SqlSession.execute} in the default session. */
  async execute(statement: string, options?: ExecuteOptions): Promise<SqlOperation> {
    return (await this.session()).execute(statement, options);
  }

  /** {@link SqlSession.query} in the default session. */
  async query<R extends SqlRow = SqlRow>(
    statement: string,
    options?: ExecuteOptions & ResultOptions & { maxRows?: number },
  ): Promise<SqlQueryResult<R>> {
    return (await this.session()).query<R>(statement, options);
  }

  /** {@link SqlSession.submit} in the default session. */
  async submit(statement: string, options?: SqlSubmitOptions): Promise<SqlSubmitResult> {
    return (await this.session()).submit(statement, options);
  }

  /** {@link SqlSession.plan} in the default session. */
  async plan(statement: string, options?: ExecuteOptions): Promise<SqlPlan> {
    return (await this.session()).plan(statement, options);
  }

  /** Closes the sessions this client opened and its connections. */
  async close(): Promise<void> {
    await Promise.all([...this.sessions].map((s) => s.close({ retry: false }).catch(() => undefined)));
    this.sessions.clear();
    this.defaultSession = undefined;
    await this.connection.close();
  }

  /** `await using sql = new SqlGateway()` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** The heartbeat interval for a session: the option, else a third of the gateway's idle timeout (≤ 60 s). */
  private async heartbeatInterval(session: SqlSession, request: RequestOptions): Promise<number | undefined> {
    const option = this.options.heartbeatIntervalMs;
    if (option === false) return undefined;
    if (option !== undefined) return option;
    const properties = await this.connection
      .call({ method: 'GET', path: path`/sessions/${session.handle}`, schema: SessionConfig }, request)
      .then((b) => b.properties)
      .catch(() => ({}) as Record<string, string>);
    const idle = durationMs(properties['sql-gateway.session.idle-timeout']) ?? 600_000;
    return idle <= 0 ? undefined : Math.max(100, Math.min(60_000, Math.floor(idle / 3)));
  }
}

/** A Flink duration (`10 min`, `20s`, `1h`, `600000` = ms) in milliseconds. */
export function durationMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zµ]*)\s*$/i.exec(text);
  if (!m) return undefined;
  const units: Record<string, number> = {
    '': 1,
    ms: 1,
    milli: 1,
    millis: 1,
    millisecond: 1,
    milliseconds: 1,
    s: 1_000,
    sec: 1_000,
    secs: 1_000,
    second: 1_000,
    seconds: 1_000,
    m: 60_000,
    min: 60_000,
    mins: 60_000,
    minute: 60_000,
    minutes: 60_000,
    h: 3_600_000,
    hour: 3_600_000,
    hours: 3_600_000,
    d: 86_400_000,
    day: 86_400_000,
    days: 86_400_000,
  };
  const unit = units[(m[2] as string).toLowerCase()];
  return unit === undefined ? undefined : Number(m[1]) * unit;
}
