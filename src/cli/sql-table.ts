import type { RowKind, SqlColumn, SqlValue } from '../sql/index.js';

/** Flink's short names of row kinds, as its SQL client shows them in the `op` column. */
export const OP: Record<RowKind, string> = { INSERT: '+I', UPDATE_BEFORE: '-U', UPDATE_AFTER: '+U', DELETE: '-D' };

/** A value as the SQL client prints it: `<NULL>`, bytes as `x'0aff'`, nested values as JSON. */
export function formatValue(value: SqlValue): string {
  if (value === null) return '<NULL>';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Uint8Array) return `x'${Buffer.from(value).toString('hex')}'`;
  return JSON.stringify(value, (_k, v: unknown) =>
    typeof v === 'bigint' ? Number(v) : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v,
  );
}

/**
 * A table whose rows are printed as they arrive (its column widths cannot wait for the last row):
 * widths come from the column types, capped; longer values are cut with `…`, like the tableau
 * mode of Flink's SQL client.
 */
export class StreamingTable {
  private readonly columns: readonly SqlColumn[];
  private readonly widths: number[];

  constructor(columns: readonly SqlColumn[]) {
    this.columns = columns;
    this.widths = [2, ...columns.map((c) => Math.max(c.name.length, Math.min(30, typeWidth(c))))];
  }

  /** The header and the line under it. */
  header(bold: (s: string) => string): string[] {
    const names = ['op', ...this.columns.map((c) => c.name)];
    return [bold(this.line(names)), this.widths.map((w) => '-'.repeat(w)).join('  ')];
  }

  /** One row. */
  row(kind: RowKind, values: readonly SqlValue[]): string {
    return this.line([OP[kind] ?? kind, ...values.map(formatValue)]);
  }

  private line(cells: readonly string[]): string {
    return cells
      .map((cell, i) => {
        const width = this.widths[i] ?? cell.length;
        const text = cell.replace(/[\r\n\t]/g, ' ');
        const fitted = text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text;
        const numeric = i > 0 && /^(TINYINT|SMALLINT|INTEGER|BIGINT|FLOAT|DOUBLE|DECIMAL)$/.test(this.columns[i - 1]?.type ?? '');
        return numeric ? fitted.padStart(width) : fitted.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  }
}

function typeWidth(c: SqlColumn): number {
  const t = c.logicalType;
  switch (c.type) {
    case 'BOOLEAN':
      return 6;
    case 'TINYINT':
      return 4;
    case 'SMALLINT':
      return 6;
    case 'INTEGER':
      return 11;
    case 'BIGINT':
      return 20;
    case 'FLOAT':
    case 'DOUBLE':
      return 12;
    case 'DECIMAL':
      return (t.precision ?? 10) + 2;
    case 'DATE':
      return 10;
    case 'TIME_WITHOUT_TIME_ZONE':
      return 12;
    case 'TIMESTAMP_WITHOUT_TIME_ZONE':
    case 'TIMESTAMP_WITH_LOCAL_TIME_ZONE':
    case 'TIMESTAMP_WITH_TIME_ZONE':
      return 20 + (t.precision ?? 6);
    case 'CHAR':
    case 'VARCHAR':
      return Math.min(t.length ?? 20, 20);
    default:
      return 20;
  }
}
