import type { WireLogicalType } from './wire.js';

/**
 * A value of a result row, typed by its column's SQL type:
 *
 * | SQL type | value |
 * |---|---|
 * | `CHAR`, `VARCHAR`/`STRING` | `string` |
 * | `BOOLEAN` | `boolean` |
 * | `TINYINT`, `SMALLINT`, `INT`, `FLOAT`, `DOUBLE` | `number` |
 * | `BIGINT` | `bigint` (exact, also beyond 2^53) |
 * | `DECIMAL(p, s)` | `string`, the exact decimal, e.g. `'12.34'` |
 * | `DATE`, `TIME`, `TIMESTAMP`, `TIMESTAMP_LTZ` | `string` as Flink writes it (ISO 8601, up to nanoseconds, no time zone guessed) |
 * | `BINARY`, `VARBINARY`/`BYTES` | `Uint8Array` |
 * | `INTERVAL` | `number` (milliseconds for day-time, months for year-month) |
 * | `ARRAY`, `MULTISET` | an array of the element's values |
 * | `MAP` | an object of the values by key (the gateway writes only string keys) |
 * | `ROW` | an object of the fields' values by name |
 *
 * `null` for SQL `NULL`.
 */
export type SqlValue = string | number | bigint | boolean | null | Uint8Array | SqlValue[] | { [key: string]: SqlValue };

/** One result row: its values by column name. */
export type SqlRow = Record<string, SqlValue>;

/** How a row changes the result: Flink's RowKind. Insert-only results have only `INSERT`. */
export type RowKind = 'INSERT' | 'UPDATE_BEFORE' | 'UPDATE_AFTER' | 'DELETE';

/** A column of a result, from the gateway's result schema. */
export interface SqlColumn {
  /** Column name, e.g. `cnt`. */
  name: string;
  /** The type root, e.g. `BIGINT`, `VARCHAR`, `DECIMAL`, `ROW`. */
  type: string;
  /** The full SQL type, e.g. `DECIMAL(10, 2) NOT NULL`, `STRING`, `ARRAY<INT>`. */
  sqlType: string;
  nullable: boolean;
  /** The column comment, when the table has one. */
  comment?: string | undefined;
  /** The logical type as the gateway sent it (parameters and children), for types this summary leaves out. */
  logicalType: WireLogicalType;
}

/** A number whose JSON text a JS number cannot hold exactly (beyond 2^53, or with a fraction). */
export class RawNumber {
  readonly source: string;
  constructor(source: string) {
    this.source = source;
  }
}

/**
 * Parses a result page like `JSON.parse`, but keeps the text of every number that a JS number may
 * not hold exactly (non-safe integers, fractions, exponents) as a {@link RawNumber}, so that
 * `BIGINT` and `DECIMAL` values arrive exact. Needs the reviver's source text (Node.js 22+).
 */
export function parseExact(text: string): unknown {
  return JSON.parse(text, function (this: unknown, _key, value: unknown, context?: { source?: string }) {
    if (typeof value !== 'number' || context?.source === undefined) return value;
    const source = context.source;
    return Number.isSafeInteger(value) && !/[.eE]/.test(source) ? value : new RawNumber(source);
  });
}

/** The public column description of a wire column. */
export function toColumn(wire: { name: string; logicalType: WireLogicalType; comment?: string | null | undefined }): SqlColumn {
  const t = wire.logicalType;
  return {
    name: wire.name,
    type: t.type,
    sqlType: sqlTypeOf(t),
    nullable: t.nullable !== false,
    ...(wire.comment ? { comment: wire.comment } : {}),
    logicalType: t,
  };
}

/** The SQL spelling of a logical type: `VARCHAR(2147483647)` is `STRING`, `NOT NULL` when not nullable. */
export function sqlTypeOf(t: WireLogicalType, withNullability = true): string {
  const notNull = withNullability && t.nullable === false ? ' NOT NULL' : '';
  return `${baseType(t)}${notNull}`;
}

function baseType(t: WireLogicalType): string {
  switch (t.type) {
    case 'INTEGER':
      return 'INT';
    case 'VARCHAR':
      return t.length === 2147483647 ? 'STRING' : `VARCHAR(${t.length ?? 1})`;
    case 'VARBINARY':
      return t.length === 2147483647 ? 'BYTES' : `VARBINARY(${t.length ?? 1})`;
    case 'CHAR':
    case 'BINARY':
      return `${t.type}(${t.length ?? 1})`;
    case 'DECIMAL':
      return `DECIMAL(${t.precision ?? 10}, ${t.scale ?? 0})`;
    case 'TIMESTAMP_WITHOUT_TIME_ZONE':
      return `TIMESTAMP(${t.precision ?? 6})`;
    case 'TIMESTAMP_WITH_LOCAL_TIME_ZONE':
      return `TIMESTAMP_LTZ(${t.precision ?? 6})`;
    case 'TIMESTAMP_WITH_TIME_ZONE':
      return `TIMESTAMP(${t.precision ?? 6}) WITH TIME ZONE`;
    case 'TIME_WITHOUT_TIME_ZONE':
      return `TIME(${t.precision ?? 0})`;
    case 'ARRAY':
    case 'MULTISET':
      return t.elementType ? `${t.type}<${sqlTypeOf(t.elementType)}>` : t.type;
    case 'MAP':
      return t.keyType && t.valueType ? `MAP<${sqlTypeOf(t.keyType)}, ${sqlTypeOf(t.valueType)}>` : 'MAP';
    case 'ROW':
      return `ROW<${(t.fields ?? []).map((f) => `\`${f.name}\` ${sqlTypeOf(f.fieldType)}`).join(', ')}>`;
    default:
      return t.type;
  }
}

/** One row's values (as parsed by {@link parseExact}) as a {@link SqlRow} of typed values. */
export function toRow(columns: readonly SqlColumn[], fields: readonly unknown[]): SqlRow {
  const row: SqlRow = {};
  columns.forEach((column, i) => {
    row[column.name] = toValue(column.logicalType, fields[i]);
  });
  return row;
}

/** A JSON value of the given logical type as its typed value (see {@link SqlValue}). */
export function toValue(t: WireLogicalType, value: unknown): SqlValue {
  if (value === null || value === undefined) return null;
  switch (t.type) {
    case 'BIGINT':
      return BigInt(value instanceof RawNumber ? value.source : (value as number | string));
    case 'DECIMAL':
      return value instanceof RawNumber ? value.source : String(value);
    case 'TINYINT':
    case 'SMALLINT':
    case 'INTEGER':
    case 'FLOAT':
    case 'DOUBLE':
    case 'INTERVAL_YEAR_MONTH':
    case 'INTERVAL_DAY_TIME':
      return value instanceof RawNumber ? Number(value.source) : typeof value === 'string' ? Number(value) : (value as number);
    case 'BINARY':
    case 'VARBINARY':
      return typeof value === 'string' ? new Uint8Array(Buffer.from(value, 'base64')) : (value as SqlValue);
    case 'ARRAY':
    case 'MULTISET':
      return Array.isArray(value) && t.elementType ? value.map((v) => toValue(t.elementType as WireLogicalType, v)) : plain(value);
    case 'MAP':
      return isObject(value) && t.valueType
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toValue(t.valueType as WireLogicalType, v)]))
        : plain(value);
    case 'ROW':
      if (Array.isArray(value) && t.fields) return Object.fromEntries(t.fields.map((f, i) => [f.name, toValue(f.fieldType, value[i])]));
      if (isObject(value) && t.fields) return Object.fromEntries(t.fields.map((f) => [f.name, toValue(f.fieldType, value[f.name])]));
      return plain(value);
    default:
      return plain(value);
  }
}

/** A value of a type without a mapping: numbers as numbers, the rest as parsed. */
function plain(value: unknown): SqlValue {
  if (value instanceof RawNumber) return Number(value.source);
  if (Array.isArray(value)) return value.map(plain);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value as SqlValue;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof RawNumber);
}

/**
 * A row as JSON text: `BIGINT` values as exact JSON numbers, bytes as base64 strings. `JSON.stringify`
 * alone refuses bigint.
 */
export function rowToJson(row: unknown): string {
  return JSON.stringify(row, (_key, value: unknown) => {
    if (typeof value === 'bigint') return (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON(value.toString());
    if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
    return value;
  });
}
