import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../../src/sql/plan.ts';

/** `EXPLAIN JSON_EXECUTION_PLAN` of an INSERT of a keyed count into a filesystem sink, from a real Flink 1.20.3 gateway. */
const explain = (name: string) => readFileSync(join(import.meta.dirname, '../../fixtures/sql-gateway/1.20', `${name}.txt`), 'utf8');

describe('parsePlan', () => {
  it("reads the stream graph's operators, their parallelism and inputs, and the text sections", () => {
    const plan = parsePlan(explain('explain-insert'));
    expect(
      plan.nodes.map((n) => `${n.type.replace(/\[\d+\]/, '')} p${n.parallelism} <- ${n.inputs.map((i) => i.shipStrategy).join(',')}`),
    ).toEqual([
      'Source: src p1 <- ',
      'Calc p1 <- FORWARD',
      'OverAggregate p1 <- HASH',
      'Calc p1 <- FORWARD',
      'StreamingFileWriter p1 <- FORWARD',
      'end: Writer p1 <- FORWARD',
    ]);
    expect(plan.abstractSyntaxTree).toMatch(/^LogicalSink\(table=\[default_catalog\.default_database\.sink\]/);
    expect(plan.optimizedExecutionPlan).toMatch(/OverAggregate\(partitionBy=/);
  });

  it('predicts the job vertices the JobManager shows (a REBALANCE at parallelism 2 breaks the sink chain)', () => {
    const strip = (name: string) => name.replace(/\[\d+\]/g, '');
    expect(parsePlan(explain('explain-insert')).vertices.map((v) => `${strip(v.name)} p${v.parallelism}`)).toEqual([
      'Source: src -> Calc p1',
      'OverAggregate -> Calc -> StreamingFileWriter -> end: Writer p1',
    ]);
    expect(parsePlan(explain('explain-insert-p2')).vertices.map((v) => `${strip(v.name)} p${v.parallelism}`)).toEqual([
      'Source: src -> Calc p2',
      'OverAggregate -> Calc -> StreamingFileWriter p2',
      'end: Writer p1',
    ]);
  });

  it('survives text without a JSON plan', () => {
    expect(parsePlan('== Abstract Syntax Tree ==\nLogicalProject\n').nodes).toEqual([]);
  });
});
