import { describe, expect, it } from 'vitest';
import { splitStatements, statementKind, stripComments } from '../../../src/sql/statements.ts';

describe('splitStatements', () => {
  it.each([
    ['one statement without ;', 'SELECT 1', ['SELECT 1']],
    ['two on two lines', 'SELECT 1;\nSELECT 2;\n', ['SELECT 1', 'SELECT 2']],
    ['two on one line', 'SELECT 1; SELECT 2', ['SELECT 1', 'SELECT 2']],
    ['a ; inside a string', "SELECT 'a;b' AS s; SELECT 2", ["SELECT 'a;b' AS s", 'SELECT 2']],
    ["an escaped quote ('')", "SELECT 'it''s; fine'; SELECT 2", ["SELECT 'it''s; fine'", 'SELECT 2']],
    ['a ; in a back-quoted name', 'SELECT 1 AS `a;b`; SELECT 2', ['SELECT 1 AS `a;b`', 'SELECT 2']],
    ['a ; in a double-quoted string', 'SELECT "x;y"; SELECT 2', ['SELECT "x;y"', 'SELECT 2']],
    ['a ; in a line comment', 'SELECT 1 -- one; two\n; SELECT 2', ['SELECT 1 -- one; two', 'SELECT 2']],
    ['a ; in a block comment', 'SELECT /* a; b */ 1; SELECT 2', ['SELECT /* a; b */ 1', 'SELECT 2']],
    ['comment-only parts dropped', '-- header\n;\n/* nothing */;\nSELECT 1;\n-- trailer\n', ['SELECT 1']],
    ['blank input', '  \n ', []],
  ])('%s', (_, script, expected) => {
    expect(splitStatements(script)).toEqual(expected);
  });

  it('keeps EXECUTE STATEMENT SET BEGIN … END whole, with CASE … END inside', () => {
    const set = `EXECUTE STATEMENT SET BEGIN
  INSERT INTO a SELECT CASE WHEN x > 1 THEN 'big' ELSE 'small' END FROM s;
  INSERT INTO b SELECT * FROM s;
END`;
    expect(splitStatements(`CREATE TABLE s (x INT);\n${set};\nSELECT 1;`)).toEqual(['CREATE TABLE s (x INT)', set, 'SELECT 1']);
  });

  it("splits the SQL client's BEGIN STATEMENT SET; … END; into its statements (the gateway keeps the set)", () => {
    expect(splitStatements('BEGIN STATEMENT SET;\nINSERT INTO a SELECT 1;\nEND;')).toEqual([
      'BEGIN STATEMENT SET',
      'INSERT INTO a SELECT 1',
      'END',
    ]);
  });
});

describe('statementKind', () => {
  it.each([
    ['INSERT INTO t SELECT 1', 'job'],
    ['  insert overwrite t select 1', 'job'],
    ['EXECUTE STATEMENT SET BEGIN INSERT INTO t SELECT 1; END', 'job'],
    ["EXECUTE PLAN 'file:///p.json'", 'job'],
    ["COMPILE AND EXECUTE PLAN 'file:///p.json' FOR INSERT INTO t SELECT 1", 'job'],
    ['-- note\nSELECT 1', 'query'],
    ['WITH a AS (SELECT 1) SELECT * FROM a', 'query'],
    ['(SELECT 1) UNION (SELECT 2)', 'query'],
    ['SHOW TABLES', 'query'],
    ['EXPLAIN SELECT 1', 'explain'],
    ["CREATE TABLE t (a INT) WITH ('connector' = 'datagen')", 'other'],
    ["SET 'a' = 'b'", 'other'],
  ])('%s is %s', (statement, kind) => {
    expect(statementKind(statement)).toBe(kind);
  });
});

describe('stripComments', () => {
  it('drops comments, keeps hints and quoted text', () => {
    expect(stripComments("SELECT /*+ OPTIONS('a'='b') */ '--x' -- gone\nFROM t /* gone */")).toBe(
      "SELECT /*+ OPTIONS('a'='b') */ '--x' \nFROM t  ",
    );
  });
});
