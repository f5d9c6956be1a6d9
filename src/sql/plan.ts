/** One operator of a statement's stream graph, from `EXPLAIN JSON_EXECUTION_PLAN`. */
export interface SqlPlanNode {
  /** The stream node id (numbers the operators of this plan; not a job vertex id). */
  id: number;
  /** Its name, e.g. `Source: orders[1]`, `GroupAggregate[4]`, `StreamingFileWriter`. */
  type: string;
  /** `Data Source`, `Operator` or `Data Sink`. */
  pact: string;
  /** What it computes, e.g. `[4]:GroupAggregate(groupBy=[k], select=[k, COUNT(*) AS cnt])`. */
  contents: string;
  parallelism: number;
  /** The operators it reads from, and how records move (`FORWARD`, `HASH`, `REBALANCE`, …). */
  inputs: Array<{ id: number; shipStrategy: string }>;
}

/** What Flink would run for a statement (see {@link SqlSession.plan}). */
export interface SqlPlan {
  /** The operators with their parallelism and inputs. */
  nodes: SqlPlanNode[];
  /** The sections of the explanation as Flink printed them. */
  abstractSyntaxTree: string | undefined;
  optimizedPhysicalPlan: string | undefined;
  optimizedExecutionPlan: string | undefined;
  /** The whole explanation. */
  text: string;
}

/** Reads Flink's `EXPLAIN JSON_EXECUTION_PLAN` output: `== Section ==` blocks, the last one JSON. */
export function parsePlan(text: string): SqlPlan {
  const sections = new Map<string, string>();
  const parts = text.split(/^== (.+) ==$/m);
  for (let i = 1; i + 1 < parts.length; i += 2) sections.set((parts[i] as string).trim(), (parts[i + 1] as string).trim());
  const json = sections.get('Physical Execution Plan');
  let nodes: SqlPlanNode[] = [];
  if (json) {
    try {
      const parsed = JSON.parse(json) as { nodes?: Array<Record<string, unknown>> };
      nodes = (parsed.nodes ?? []).map((n) => ({
        id: Number(n['id']),
        type: String(n['type'] ?? ''),
        pact: String(n['pact'] ?? ''),
        contents: String(n['contents'] ?? ''),
        parallelism: Number(n['parallelism'] ?? 0),
        inputs: ((n['predecessors'] as Array<Record<string, unknown>> | undefined) ?? []).map((p) => ({
          id: Number(p['id']),
          shipStrategy: String(p['ship_strategy'] ?? ''),
        })),
      }));
    } catch {
      nodes = [];
    }
  }
  return {
    nodes,
    abstractSyntaxTree: sections.get('Abstract Syntax Tree'),
    optimizedPhysicalPlan: sections.get('Optimized Physical Plan'),
    optimizedExecutionPlan: sections.get('Optimized Execution Plan'),
    text,
  };
}
