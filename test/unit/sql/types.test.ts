import { describe, expect, it } from 'vitest';
import { parseExact, RawNumber, rowToJson, sqlTypeOf, toColumn, toRow, toValue } from '../../../src/sql/types.ts';
import type { WireLogicalType } from '../../../src/sql/wire.ts';

const t = (type: string, extra: Partial<WireLogicalType> = {}): WireLogicalType => ({ type, nullable: true, ...extra });

describe('result values', () => {
  it('keeps the digits of numbers a JS number cannot hold (BIGINT beyond 2^53, fractions)', () => {
    const parsed = parseExact('{"fields":[9007199254740993,1.50,7,1e3]}') as { fields: unknown[] };
    expect(parsed.fields).toEqual([new RawNumber('9007199254740993'), new RawNumber('1.50'), 7, new RawNumber('1e3')]);
    expect(toValue(t('BIGINT'), parsed.fields[0])).toBe(9007199254740993n);
    expect(toValue(t('BIGINT'), 7)).toBe(7n);
    expect(toValue(t('DECIMAL', { precision: 10, scale: 2 }), parsed.fields[1])).toBe('1.50');
    expect(toValue(t('DOUBLE'), parsed.fields[3])).toBe(1000);
    expect(toValue(t('INTEGER'), 7)).toBe(7);
  });

  it.each([
    ['VARCHAR', 'x', 'x'],
    ['BOOLEAN', true, true],
    ['DATE', '2024-01-02', '2024-01-02'],
    ['TIMESTAMP_WITHOUT_TIME_ZONE', '2024-01-01T00:00:00.123456789', '2024-01-01T00:00:00.123456789'],
    ['VARBINARY', 'Cv8=', new Uint8Array([10, 255])],
    ['INTERVAL_DAY_TIME', 172800000, 172800000],
    ['INTEGER', null, null],
  ])('%s %j', (type, value, expected) => {
    expect(toValue(t(type), value)).toEqual(expected);
  });

  it('converts nested values by their element, value and field types', () => {
    expect(toValue(t('ARRAY', { elementType: t('BIGINT') }), [1, new RawNumber('9007199254740993')])).toEqual([1n, 9007199254740993n]);
    expect(toValue(t('MAP', { keyType: t('VARCHAR'), valueType: t('BIGINT') }), { a: 1 })).toEqual({ a: 1n });
    const row = t('ROW', {
      fields: [
        { name: 'id', fieldType: t('BIGINT') },
        { name: 'name', fieldType: t('VARCHAR') },
      ],
    });
    expect(toValue(row, { id: 2, name: 'z' })).toEqual({ id: 2n, name: 'z' });
    expect(toValue(row, [2, 'z'])).toEqual({ id: 2n, name: 'z' });
  });

  it('names row values by column', () => {
    const columns = [
      toColumn({ name: 'n', logicalType: t('BIGINT', { nullable: false }) }),
      toColumn({ name: 's', logicalType: t('VARCHAR', { length: 2147483647 }) }),
    ];
    expect(toRow(columns, [5, null])).toEqual({ n: 5n, s: null });
  });
});

describe('sqlTypeOf', () => {
  it.each([
    [t('VARCHAR', { length: 2147483647 }), 'STRING'],
    [t('VARCHAR', { length: 10, nullable: false }), 'VARCHAR(10) NOT NULL'],
    [t('INTEGER'), 'INT'],
    [t('DECIMAL', { precision: 10, scale: 2 }), 'DECIMAL(10, 2)'],
    [t('TIMESTAMP_WITH_LOCAL_TIME_ZONE', { precision: 3 }), 'TIMESTAMP_LTZ(3)'],
    [t('ARRAY', { elementType: t('INTEGER', { nullable: false }) }), 'ARRAY<INT NOT NULL>'],
    [t('MAP', { keyType: t('VARCHAR', { length: 2147483647 }), valueType: t('BIGINT') }), 'MAP<STRING, BIGINT>'],
    [t('ROW', { fields: [{ name: 'a', fieldType: t('INTEGER') }] }), 'ROW<`a` INT>'],
  ])('%j is %s', (type, sql) => {
    expect(sqlTypeOf(type)).toBe(sql);
  });
});

describe('rowToJson', () => {
  it('writes BIGINT as exact JSON numbers and bytes as base64', () => {
    expect(rowToJson({ big: 9007199254740993n, b: new Uint8Array([10, 255]), s: 'x', n: null })).toBe(
      '{"big":9007199254740993,"b":"Cv8=","s":"x","n":null}',
    );
  });
});
