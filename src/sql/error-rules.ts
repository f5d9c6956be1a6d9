/**
 * The SQL Gateway's error replies as error rules of its calls. The gateway answers every failed
 * call with HTTP 500 (a statement Flink cannot parse or plan, an unknown session or operation, a
 * job that cannot start); what it was is only in the Java exception chain of Flink's `errors[]`.
 * Each rule covers one kind (a test of the chain) and builds its typed error from the reply:
 * Flink's own message, the line and column with a caret under the statement, no stack trace
 * (that is in `details`; the reply, as a `FlinkApiError`, is the `cause`). The transport applies
 * the first that matches, as for every other call.
 */
import type { FlinkApiError } from '../errors/api-errors.js';
import { clip } from '../errors/clip.js';
import type { ErrorRule } from '../transport/request.js';
import { at, firstLine, type JavaException, javaExceptions, positionOf, short, snippet, unknownTable } from './error-parse.js';
import { FlinkSqlError, FlinkSqlSessionError, FlinkSqlSyntaxError, FlinkSqlUnknownTableError, FlinkSqlValidationError } from './errors.js';

/** What the rules know about the call. */
export interface SqlErrorContext {
  statement?: string | undefined;
  sessionHandle?: string | undefined;
  /** This client opened the session and has not closed it. */
  sessionOpen?: boolean | undefined;
  operationHandle?: string | undefined;
}

const SESSION_GONE = /Session '([^']+)' does not exist/;
const OPERATION_GONE = /Can not find the submitted operation in the OperationManager with the ([\w-]+)/;
/** Flink's parser (`SqlParserException`, `SqlParserEOFException`), else Calcite's `ParseException`. */
const PARSER = /\.SqlParser\w*Exception$/;
const CALCITE_PARSER = /\.ParseException$/;
const VALIDATION = /(?:ValidationException|CatalogException|DatabaseNotExistException|TableNotExistException)$/;

/** A test of a reply's `errors[]`: does its Java exception chain hold an exception of this class? */
function thrown(...classes: RegExp[]): (errors: readonly string[]) => boolean {
  return (errors) => javaExceptions(errors).some((e) => classes.some((c) => c.test(e.className)));
}

/**
 * The rules of a call to the gateway, first match wins: an unknown session (expired when this
 * client had it open), an unknown operation, a syntax error, an unknown table, a validation error,
 * then any other Java exception (a job that cannot start, a savepoint that does not fit).
 *
 * @example
 * ```ts
 * transport.request({ method: 'GET', path, errors: sqlErrorRules({ statement, sessionHandle, sessionOpen: true }) });
 * ```
 */
export function sqlErrorRules(context: SqlErrorContext = {}): ErrorRule[] {
  return [
    { status: 500, match: SESSION_GONE, wrap: (e) => sessionGone(e, context) },
    { status: 500, match: OPERATION_GONE, wrap: (e) => operationGone(e, context) },
    { status: 500, match: thrown(PARSER, CALCITE_PARSER), wrap: (e) => syntaxError(e, context) },
    { status: 500, match: (errors) => unknownTable(javaExceptions(errors)) !== undefined, wrap: (e) => validationError(e, context) },
    { status: 500, match: thrown(VALIDATION), wrap: (e) => validationError(e, context) },
    { status: 500, match: thrown(/./), wrap: (e) => statementFailed(e, context) },
  ];
}

function common(error: FlinkApiError, context: SqlErrorContext) {
  return { cause: error, details: error.errors.join('\n'), statement: context.statement, operationHandle: context.operationHandle };
}

function sessionGone(error: FlinkApiError, context: SqlErrorContext): FlinkSqlSessionError {
  const handle = SESSION_GONE.exec(error.errors.join('\n'))?.[1] as string;
  const expired = context.sessionOpen === true && handle === context.sessionHandle;
  const message = expired
    ? `SQL Gateway session ${handle} expired: the gateway no longer knows it. It closes sessions idle longer than sql-gateway.session.idle-timeout (10 min by default) and forgets all of them when it restarts; flink-kit heartbeats while a session is open, so this one was not kept alive (heartbeat off, the process paused, or the gateway restarted). Open a new session; what the old one defined (CREATE TABLE, SET) is gone with it.`
    : `SQL Gateway session ${handle} does not exist (closed, expired, or from a gateway that has restarted since). Open a new session.`;
  return new FlinkSqlSessionError(message, { cause: error, details: error.errors.join('\n'), sessionHandle: handle, expired });
}

function operationGone(error: FlinkApiError, context: SqlErrorContext): FlinkSqlError {
  const handle = OPERATION_GONE.exec(error.errors.join('\n'))?.[1] as string;
  const innermost = javaExceptions(error.errors).at(-1);
  return new FlinkSqlError(
    `SQL Gateway operation ${handle} is unknown to the gateway: it was closed (closing an operation, or its session, discards its results), or the gateway restarted.`,
    { ...common(error, context), flinkMessage: firstLine(innermost?.message ?? ''), exception: short(innermost?.className) },
  );
}

function syntaxError(error: FlinkApiError, context: SqlErrorContext): FlinkSqlSyntaxError {
  const chain = javaExceptions(error.errors);
  const parse = (chain.find((e) => PARSER.test(e.className)) ?? chain.find((e) => CALCITE_PARSER.test(e.className))) as JavaException;
  const position = positionOf(parse.message);
  return new FlinkSqlSyntaxError(
    `SQL syntax error${at(position)}: ${clip(firstLine(parse.message).replace(/^SQL parse failed\.\s*/, ''))}${snippet(context.statement, position)}`,
    { ...common(error, context), flinkMessage: parse.message, exception: short(parse.className), position },
  );
}

/** A validation error; an unknown table (Calcite's and Flink's "not found") with its name. */
function validationError(error: FlinkApiError, context: SqlErrorContext): FlinkSqlValidationError {
  const chain = javaExceptions(error.errors);
  const unknown = unknownTable(chain);
  const validation = unknown?.exception ?? (chain.find((e) => VALIDATION.test(e.className)) as JavaException);
  const position = positionOf(validation.message);
  const innermost = chain.at(-1) as JavaException;
  const flinkMessage = firstLine(validation.message)
    .replace(/^SQL validation failed\.\s*/, '')
    .replace(/^From line \d+, column \d+ to line \d+, column \d+: /, '');
  const deeper =
    innermost !== validation && !flinkMessage.includes(firstLine(innermost.message)) ? ` (${firstLine(innermost.message)})` : '';
  const init = { ...common(error, context), flinkMessage: validation.message, exception: short(validation.className), position };
  const message = `SQL validation error${at(position)}: ${clip(flinkMessage + deeper)}${snippet(context.statement, position)}`;
  if (!unknown) return new FlinkSqlValidationError(message, init);
  return new FlinkSqlUnknownTableError(message, { ...init, table: unknown.table, catalog: unknown.catalog, database: unknown.database });
}

/** Anything else Flink refused or failed to run: the innermost cause says why. */
function statementFailed(error: FlinkApiError, context: SqlErrorContext): FlinkSqlError {
  const innermost = javaExceptions(error.errors).at(-1) as JavaException;
  const restore = /Cannot map checkpoint\/savepoint state for operator/.test(innermost.message)
    ? " The savepoint holds state of an operator the new statement lacks: an SQL job keeps its operator ids only while the statement and parallelism keep the job graph's shape; allowNonRestoredState (-n) drops that state."
    : '';
  return new FlinkSqlError(
    `Flink could not run the statement: ${short(innermost.className)}: ${clip(firstLine(innermost.message))}${restore}`,
    { ...common(error, context), flinkMessage: innermost.message, exception: short(innermost.className) },
  );
}

/**
 * An unknown table with the catalog and database Flink searched for an unqualified name (the
 * session's current ones, asked with `SHOW CURRENT CATALOG` / `SHOW CURRENT DATABASE`); other
 * errors as they are. Not a rule: it takes two more statements in the session, after the reply.
 */
export async function withSearchedPath(error: unknown, ask: (statement: string) => Promise<string | undefined>): Promise<unknown> {
  if (!(error instanceof FlinkSqlUnknownTableError) || error.catalog !== undefined) return error;
  const parts = error.table.split('.');
  let catalog: string | undefined;
  let database: string | undefined;
  try {
    catalog = parts.length === 3 ? parts[0] : await ask('SHOW CURRENT CATALOG');
    database = parts.length >= 2 ? parts.at(-2) : await ask('SHOW CURRENT DATABASE');
  } catch {
    return error;
  }
  const [first, ...rest] = error.message.split('\n');
  const searched = parts.length === 1 ? `catalog ${catalog}, database ${database} (the session's current ones)` : `catalog ${catalog}`;
  return new FlinkSqlUnknownTableError(
    `${first}; searched ${searched}. Create it in this session (CREATE TABLE; tables of other sessions are not visible unless they live in a persistent catalog), switch with USE CATALOG / USE, or qualify the name as catalog.database.table.${rest.length > 0 ? `\n${rest.join('\n')}` : ''}`,
    {
      cause: error.cause,
      details: error.details,
      statement: error.statement,
      flinkMessage: error.flinkMessage,
      exception: error.exception,
      position: error.position,
      operationHandle: error.operationHandle,
      table: error.table,
      catalog,
      database,
    },
  );
}
