import { FlinkApiError } from '../errors/api-errors.js';
import { clip } from '../errors/clip.js';
import {
  FlinkSqlError,
  FlinkSqlSessionError,
  FlinkSqlSyntaxError,
  FlinkSqlUnknownTableError,
  FlinkSqlValidationError,
  type SqlPosition,
} from './errors.js';

/** One exception of a Java stack trace: its class and its (possibly multi-line) message. */
export interface JavaException {
  className: string;
  message: string;
}

/**
 * The exceptions of the Java stack traces in a gateway error reply, outermost first. The gateway
 * answers a failed statement with HTTP 500 and `errors: ["Internal server error.", "<Exception on
 * server side:\n<trace>\nEnd of exception on server side>"]`.
 */
export function javaExceptions(errors: readonly string[]): JavaException[] {
  const found: JavaException[] = [];
  for (const text of errors) {
    const lines = text.replace(/^<Exception on server side:\s*/, '').split('\n');
    let current: JavaException | undefined;
    for (const raw of lines) {
      const line = raw.replace(/\r$/, '');
      const start = /^(?:Caused by: )?((?:[a-z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error|Throwable))(?:: (.*))?$/.exec(line);
      if (start) {
        current = { className: start[1] as string, message: start[2] ?? '' };
        found.push(current);
      } else if (/^\s+at |^\s+\.\.\. \d+ more|^End of exception on server side/.test(line)) {
        current = undefined;
      } else if (current && line.trim() !== '') {
        current.message += `\n${line}`;
      }
    }
  }
  return found;
}

/** What the error parser knows about the call. */
export interface SqlErrorContext {
  statement?: string | undefined;
  sessionHandle?: string | undefined;
  /** This client opened the session and has not closed it. */
  sessionOpen?: boolean | undefined;
  operationHandle?: string | undefined;
}

const SESSION_GONE = /Session '([^']+)' does not exist/;
const OPERATION_GONE = /Can not find the submitted operation in the OperationManager with the ([\w-]+)/;

/**
 * The typed error for a gateway error reply, or the reply's own error when it is not about SQL.
 * Flink's message is kept without its stack trace; the full reply is the `cause` and its text `details`.
 */
export function sqlErrorOf(error: unknown, context: SqlErrorContext = {}): unknown {
  if (!(error instanceof FlinkApiError)) return error;
  const chain = javaExceptions(error.errors);
  if (chain.length === 0) return error;
  const details = error.errors.join('\n');
  const base = { cause: error, details, statement: context.statement, operationHandle: context.operationHandle };

  const session = chain.map((e) => SESSION_GONE.exec(e.message)).find(Boolean);
  if (session) {
    const handle = session[1] as string;
    const expired = context.sessionOpen === true && handle === context.sessionHandle;
    const message = expired
      ? `SQL Gateway session ${handle} expired: the gateway no longer knows it. It closes sessions idle longer than sql-gateway.session.idle-timeout (10 min by default) and forgets all of them when it restarts; flink-kit heartbeats while a session is open, so this one was not kept alive (heartbeat off, the process paused, or the gateway restarted). Open a new session; what the old one defined (CREATE TABLE, SET) is gone with it.`
      : `SQL Gateway session ${handle} does not exist (closed, expired, or from a gateway that has restarted since). Open a new session.`;
    return new FlinkSqlSessionError(message, { cause: error, details, sessionHandle: handle, expired });
  }
  const operation = chain.map((e) => OPERATION_GONE.exec(e.message)).find(Boolean);
  if (operation) {
    return new FlinkSqlError(
      `SQL Gateway operation ${operation[1]} is unknown to the gateway: it was closed (closing an operation, or its session, discards its results), or the gateway restarted.`,
      { ...base, flinkMessage: firstLine(chain.at(-1)?.message ?? ''), exception: short(chain.at(-1)?.className) },
    );
  }

  const parse = chain.find((e) => /\.SqlParser\w*Exception$/.test(e.className)) ?? chain.find((e) => /\.ParseException$/.test(e.className));
  if (parse) {
    const position = positionOf(parse.message);
    return new FlinkSqlSyntaxError(
      `SQL syntax error${at(position)}: ${clip(firstLine(parse.message).replace(/^SQL parse failed\.\s*/, ''))}${snippet(context.statement, position)}`,
      { ...base, flinkMessage: parse.message, exception: short(parse.className), position },
    );
  }

  const unknown = unknownTable(chain);
  const validation =
    unknown?.exception ??
    chain.find((e) => /(ValidationException|CatalogException|DatabaseNotExistException|TableNotExistException)$/.test(e.className));
  if (validation) {
    const position = positionOf(validation.message);
    const innermost = chain.at(-1) as JavaException;
    const flinkMessage = firstLine(validation.message)
      .replace(/^SQL validation failed\.\s*/, '')
      .replace(/^From line \d+, column \d+ to line \d+, column \d+: /, '');
    const deeper =
      innermost !== validation && !flinkMessage.includes(firstLine(innermost.message)) ? ` (${firstLine(innermost.message)})` : '';
    const init = { ...base, flinkMessage: validation.message, exception: short(validation.className), position };
    const message = `SQL validation error${at(position)}: ${clip(flinkMessage + deeper)}${snippet(context.statement, position)}`;
    if (unknown)
      return new FlinkSqlUnknownTableError(message, {
        ...init,
        table: unknown.table,
        catalog: unknown.catalog,
        database: unknown.database,
      });
    return new FlinkSqlValidationError(message, init);
  }

  // Anything else (a job that cannot start, a restore that does not fit): the innermost cause says why.
  const innermost = chain.at(-1) as JavaException;
  const restore = /Cannot map checkpoint\/savepoint state for operator/.test(innermost.message)
    ? " The savepoint holds state of an operator the new statement lacks: an SQL job keeps its operator ids only while the statement and parallelism keep the job graph's shape; allowNonRestoredState (-n) drops that state."
    : '';
  return new FlinkSqlError(
    `Flink could not run the statement: ${short(innermost.className)}: ${clip(firstLine(innermost.message))}${restore}`,
    { ...base, flinkMessage: innermost.message, exception: short(innermost.className) },
  );
}

interface UnknownTable {
  exception: JavaException;
  table: string;
  catalog?: string | undefined;
  database?: string | undefined;
}

/** The unknown object of Calcite's and Flink's "not found" messages. */
function unknownTable(chain: readonly JavaException[]): UnknownTable | undefined {
  for (const exception of chain) {
    const text = exception.message;
    let m = /Object '([^']+)' not found within '([^']+)'/.exec(text);
    if (m) return { exception, table: `${m[2]}.${m[1]}`, catalog: (m[2] as string).split('.')[0] };
    m = /Object '([^']+)' not found/.exec(text);
    if (m) return { exception, table: m[1] as string };
    m = /Cannot find table '([^']+)' in any of the catalogs/.exec(text);
    if (m) {
      const parts = (m[1] as string).split('.').map((p) => p.replace(/^`|`$/g, ''));
      return {
        exception,
        table: parts.join('.'),
        catalog: parts.length === 3 ? parts[0] : undefined,
        database: parts.length === 3 ? parts[1] : undefined,
      };
    }
    m = /Table (?:\(or view\) )?[`']?([\w.`]+?)[`']? (?:was not found|does not exist)/.exec(text);
    if (m) return { exception, table: (m[1] as string).replace(/`/g, '') };
  }
  return undefined;
}

/** `at line 1, column 33` or `From line 1, column 15 to line 1, column 18`. */
export function positionOf(text: string): SqlPosition | undefined {
  const range = /From line (\d+), column (\d+) to line (\d+), column (\d+)/.exec(text);
  if (range) return { line: Number(range[1]), column: Number(range[2]), endLine: Number(range[3]), endColumn: Number(range[4]) };
  const point = /at line (\d+), column (\d+)/.exec(text);
  return point ? { line: Number(point[1]), column: Number(point[2]) } : undefined;
}

function at(position: SqlPosition | undefined): string {
  return position ? ` at line ${position.line}, column ${position.column}` : '';
}

/** The statement's line with a caret under the column (under the whole range on one line). */
function snippet(statement: string | undefined, position: SqlPosition | undefined): string {
  if (!statement || !position) return '';
  const line = statement.split('\n')[position.line - 1];
  if (line === undefined || line.length > 300) return '';
  const width = position.endLine === position.line && position.endColumn ? Math.max(1, position.endColumn - position.column + 1) : 1;
  return `\n  ${line}\n  ${' '.repeat(Math.max(0, position.column - 1))}${'^'.repeat(width)}`;
}

function firstLine(text: string): string {
  return (text.split('\n').find((l) => l.trim() !== '') ?? '').trim();
}

function short(className: string | undefined): string | undefined {
  return className?.split('.').pop();
}

/**
 * An unknown table with the catalog and database Flink searched for an unqualified name (the
 * session's current ones, asked with `SHOW CURRENT CATALOG` / `SHOW CURRENT DATABASE`); other
 * errors as they are.
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
