/**
 * Splits an SQL script into statements at each `;` that is outside quotes ('…', "…", `…`),
 * comments (`-- …`, `/* … *\/`) and `EXECUTE STATEMENT SET BEGIN … END` blocks, as Flink's SQL
 * client does (which needs the `;` at the end of a line; this also splits `a; b` on one line).
 * Statements are trimmed, without their `;`; statements of comments only are dropped.
 *
 * @example
 * ```ts
 * splitStatements("CREATE TABLE t (a INT) WITH ('connector' = 'datagen');\nSELECT * FROM t;")
 * // ["CREATE TABLE t (a INT) WITH ('connector' = 'datagen')", 'SELECT * FROM t']
 * ```
 */
export function splitStatements(script: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let depth = 0; // inside EXECUTE STATEMENT SET BEGIN … END
  let cases = 0; // inside CASE … END
  let i = 0;
  const n = script.length;
  const push = (end: number) => {
    const text = script.slice(start, end).trim();
    if (stripComments(text).trim() !== '') statements.push(text);
    start = end + 1;
  };
  while (i < n) {
    const c = script[i] as string;
    const next = script[i + 1];
    if (c === '-' && next === '-') {
      const eol = script.indexOf('\n', i);
      i = eol < 0 ? n : eol + 1;
    } else if (c === '/' && next === '*') {
      const end = script.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === "'" || c === '"' || c === '`') {
      // A quote is escaped by doubling it ('it''s').
      let j = i + 1;
      for (;;) {
        const k = script.indexOf(c, j);
        if (k < 0) {
          j = n;
          break;
        }
        if (script[k + 1] === c) {
          j = k + 2;
          continue;
        }
        j = k + 1;
        break;
      }
      i = j;
    } else if (/[A-Za-z_]/.test(c) && (i === 0 || !/[\w$]/.test(script[i - 1] as string))) {
      const word = /^[A-Za-z_][\w$]*/.exec(script.slice(i, i + 64))?.[0] ?? c;
      const upper = word.toUpperCase();
      if (upper === 'CASE') cases++;
      else if (upper === 'END' && cases > 0) cases--;
      else if (upper === 'END' && depth > 0) depth--;
      else if (upper === 'BEGIN' && /(?:^|\s)STATEMENT\s+SET\s*$/i.test(stripComments(script.slice(start, i)))) depth++;
      i += word.length;
    } else if (c === ';' && depth === 0) {
      push(i);
      cases = 0;
      i++;
    } else {
      i++;
    }
  }
  push(n);
  return statements;
}

/** The text without `--` and `/* *\/` comments (hints `/*+ … *\/` kept), quotes respected. */
export function stripComments(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    const next = text[i + 1];
    if (c === '-' && next === '-') {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? text.length : eol;
    } else if (c === '/' && next === '*' && text[i + 2] !== '+') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
      out += ' ';
    } else if (c === "'" || c === '"' || c === '`') {
      let j = text.indexOf(c, i + 1);
      while (j >= 0 && text[j + 1] === c) j = text.indexOf(c, j + 2);
      const end = j < 0 ? text.length : j + 1;
      out += text.slice(i, end);
      i = end;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** What a statement does, by its leading keywords. */
export type StatementKind = 'query' | 'job' | 'explain' | 'other';

/**
 * `query` (SELECT, WITH, VALUES, SHOW, DESCRIBE: rows to read), `job` (INSERT, EXECUTE STATEMENT
 * SET, EXECUTE INSERT, EXECUTE PLAN, COMPILE AND EXECUTE PLAN: starts a job and returns its id),
 * `explain`, or `other` (DDL, SET, USE, …).
 */
export function statementKind(statement: string): StatementKind {
  const head = stripComments(statement)
    .trim()
    .replace(/^\(+\s*/, '')
    .toUpperCase();
  if (
    /^(INSERT|EXECUTE\s+STATEMENT\s+SET|EXECUTE\s+INSERT|EXECUTE\s+PLAN|COMPILE\s+AND\s+EXECUTE\s+PLAN|STATEMENT\s+SET|BEGIN\s+STATEMENT\s+SET)\b/.test(
      head,
    )
  )
    return 'job';
  if (/^(SELECT|WITH|VALUES|TABLE|SHOW|DESCRIBE|DESC)\b/.test(head)) return 'query';
  if (/^EXPLAIN\b/.test(head)) return 'explain';
  return 'other';
}
