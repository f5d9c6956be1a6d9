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

/**
 * A job vertex as Flink's default chaining would build it from the stream graph: operators joined
 * by FORWARD edges of equal parallelism, one input and one output each. A prediction (operators
 * can opt out of chaining); the JobManager shows the real ones once the job runs.
 */
export interface SqlPlanVertex {
  /** Operator names joined by ` -> `, as the JobManager names vertices, e.g. `Source: src[1] -> Calc[2]`. */
  name: string;
  /** The stream node ids of its operators, head first. */
  nodes: number[];
  parallelism: number;
}

/** What Flink would run for a statement (see {@link SqlSession.plan}). */
export interface SqlPlan {
  /** The operators with their parallelism and inputs. */
  nodes: SqlPlanNode[];
  /** The job vertices the operators would chain into (see {@link SqlPlanVertex}). */
  vertices: SqlPlanVertex[];
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
    vertices: chain(nodes),
    abstractSyntaxTree: sections.get('Abstract Syntax Tree'),
    optimizedPhysicalPlan: sections.get('Optimized Physical Plan'),
    optimizedExecutionPlan: sections.get('Optimized Execution Plan'),
    text,
  };
}

/** Groups stream nodes into chains: FORWARD edge, equal parallelism, single input and single output. */
export function chain(nodes: readonly SqlPlanNode[]): SqlPlanVertex[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const outputs = new Map<number, number[]>();
  for (const n of nodes) for (const input of n.inputs) outputs.set(input.id, [...(outputs.get(input.id) ?? []), n.id]);
  const chainedToUpstream = (n: SqlPlanNode): boolean => {
    if (n.inputs.length !== 1) return false;
    const [input] = n.inputs as [{ id: number; shipStrategy: string }];
    const up = byId.get(input.id);
    return (
      up !== undefined && input.shipStrategy === 'FORWARD' && up.parallelism === n.parallelism && (outputs.get(up.id) ?? []).length === 1
    );
  };
  const vertices: SqlPlanVertex[] = [];
  for (const head of nodes.filter((n) => !chainedToUpstream(n))) {
    const members = [head];
    for (let last = head; ; ) {
      const next = (outputs.get(last.id) ?? []).map((id) => byId.get(id)).find((n) => n !== undefined && chainedToUpstream(n));
      if (!next) break;
      members.push(next);
      last = next;
    }
    vertices.push({ name: members.map((m) => m.type).join(' -> '), nodes: members.map((m) => m.id), parallelism: head.parallelism });
  }
  return vertices;
}
