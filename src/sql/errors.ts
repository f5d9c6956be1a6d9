import { FlinkError, type FlinkErrorOptions, FlinkInputError } from '../errors/flink-error.js';

/** Where in the statement Flink found the problem (1-based, as Flink counts). */
export interface SqlPosition {
  line: number;
  column: number;
  /** End of the range, for validation errors that name one. */
  endLine?: number | undefined;
  endColumn?: number | undefined;
}

/** What every {@link FlinkSqlError} carries. */
export interface FlinkSqlErrorInit extends FlinkErrorOptions {
  /** The statement Flink refused (or failed to run). */
  statement?: string | undefined;
  /** Flink's own message, without the Java stack trace, e.g. `SQL parse failed. Encountered "dec" at line 1, column 33.` */
  flinkMessage: string;
  /** The Java exception it came as, in short form, e.g. `SqlParserException`. */
  exception?: string | undefined;
  position?: SqlPosition | undefined;
  /** The gateway's operation handle, when the statement got one. */
  operationHandle?: string | undefined;
}

/**
 * Flink refused a statement or failed to run it: the message holds Flink's own message and, when
 * Flink named one, the line and column; never a Java stack trace (that is in `details`; the gateway's
 * reply is the `cause`). Subclasses: {@link FlinkSqlSyntaxError}, {@link FlinkSqlValidationError},
 * {@link FlinkSqlUnknownTableError}.
 *
 * @example
 * ```ts
 * try { await sql.execute('SELEC 1'); } catch (e) { if (e instanceof FlinkSqlError) console.error(e.message, e.position); }
 * ```
 */
export class FlinkSqlError extends FlinkError {
  readonly statement: string | undefined;
  readonly flinkMessage: string;
  readonly exception: string | undefined;
  readonly position: SqlPosition | undefined;
  readonly operationHandle: string | undefined;

  constructor(message: string, init: FlinkSqlErrorInit) {
    super(message, init);
    this.statement = init.statement;
    this.flinkMessage = init.flinkMessage;
    this.exception = init.exception;
    this.position = init.position;
    this.operationHandle = init.operationHandle;
  }
}

/** The statement is not valid Flink SQL (`SqlParserException`); `position` says where. */
export class FlinkSqlSyntaxError extends FlinkSqlError {}

/**
 * The statement parses but Flink cannot plan it (`ValidationException`): an unknown column or
 * function, a type mismatch, a connector that is not on the classpath, …
 */
export class FlinkSqlValidationError extends FlinkSqlError {}

/** A table (or catalog, database) the statement names does not exist where Flink looked. */
export class FlinkSqlUnknownTableError extends FlinkSqlValidationError {
  /** The name as Flink reported it, e.g. `orders` or `default_catalog.default_database.orders`. */
  readonly table: string;
  /** The catalog that was searched (the session's current one for an unqualified name). */
  readonly catalog: string | undefined;
  /** The database that was searched. */
  readonly database: string | undefined;

  constructor(message: string, init: FlinkSqlErrorInit & { table: string; catalog?: string | undefined; database?: string | undefined }) {
    super(message, init);
    this.table = init.table;
    this.catalog = init.catalog;
    this.database = init.database;
  }
}

/**
 * The gateway does not know the session: it expired (idle longer than
 * `sql-gateway.session.idle-timeout`), was closed, or the gateway restarted. Open a new one.
 */
export class FlinkSqlSessionError extends FlinkError {
  readonly sessionHandle: string;
  /** True when this client opened the session and had not closed it: it expired (or the gateway restarted). */
  readonly expired: boolean;

  constructor(message: string, init: FlinkErrorOptions & { sessionHandle: string; expired: boolean }) {
    super(message, init);
    this.sessionHandle = init.sessionHandle;
    this.expired = init.expired;
  }
}

/**
 * A call needs a newer SQL Gateway REST API than the gateway (or the pinned `apiVersion`) speaks;
 * refused before it is sent.
 */
export class FlinkSqlUnsupportedError extends FlinkInputError {
  /** What was asked for, e.g. `configure-session`. */
  readonly feature: string;
  /** The REST API version it needs, e.g. `v2`. */
  readonly needs: string;
  /** The version in use. */
  readonly using: string;

  constructor(message: string, init: FlinkErrorOptions & { feature: string; needs: string; using: string }) {
    super(message, init);
    this.feature = init.feature;
    this.needs = init.needs;
    this.using = init.using;
  }
}
