import type { SqlPosition } from './errors.js';

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

/** The unknown object of a "not found" message in the chain, and the exception that says it. */
export interface UnknownTable {
  exception: JavaException;
  table: string;
  catalog?: string | undefined;
  database?: string | undefined;
}

/** The unknown object of Calcite's and Flink's "not found" messages. */
export function unknownTable(chain: readonly JavaException[]): UnknownTable | undefined {
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

/** ` at line L, column C`, or nothing without a position. */
export function at(position: SqlPosition | undefined): string {
  return position ? ` at line ${position.line}, column ${position.column}` : '';
}

/** The statement's line with a caret under the column (under the whole range on one line). */
export function snippet(statement: string | undefined, position: SqlPosition | undefined): string {
  if (!statement || !position) return '';
  const line = statement.split('\n')[position.line - 1];
  if (line === undefined || line.length > 300) return '';
  const width = position.endLine === position.line && position.endColumn ? Math.max(1, position.endColumn - position.column + 1) : 1;
  return `\n  ${line}\n  ${' '.repeat(Math.max(0, position.column - 1))}${'^'.repeat(width)}`;
}

/** The first line with text. */
export function firstLine(text: string): string {
  return (text.split('\n').find((l) => l.trim() !== '') ?? '').trim();
}

/** A Java class name without its package. */
export function short(className: string | undefined): string | undefined {
  return className?.split('.').pop();
}
