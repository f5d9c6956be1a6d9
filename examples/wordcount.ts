/**
 * Runs Flink's WordCount example (streaming mode, built-in text) and prints the word counts.
 *
 *   node examples/wordcount.ts [--url URL] [-p N] [--flink-version 1.20]
 *
 * Without --url it starts a local Flink cluster (Java 17 + Maven needed), runs the job there and
 * stops the cluster again. With --url it uploads the WordCount jar to that cluster.
 */
import { parseArgs } from 'node:util';
import { type FlinkClient, isFlinkError } from 'flink-kit';
import { exampleJar, startLocalCluster } from 'flink-kit/local';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    parallelism: { type: 'string', short: 'p', default: '2' },
    'flink-version': { type: 'string', default: '1.20' },
    jar: { type: 'string' },
  },
});

/** `(word,count)` lines from TaskManager stdout (possibly prefixed by `2> `) -> final count per word. */
function countsFrom(stdout: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of stdout.matchAll(/^(?:\d+> )?\((.+),(\d+)\)$/gm)) {
    const word = m[1] as string;
    counts.set(word, Math.max(counts.get(word) ?? 0, Number(m[2])));
  }
  return counts;
}

async function stdoutOfAll(client: FlinkClient): Promise<Map<string, string>> {
  const tms = await client.cluster.taskManagers();
  return new Map(await Promise.all(tms.map(async (tm) => [tm.id, await client.cluster.taskManagerStdout(tm.id)] as const)));
}

async function run(client: FlinkClient, jar: string): Promise<void> {
  const overview = await client.cluster.overview();
  console.log(
    `Flink ${overview.flinkVersion}: ${overview.taskManagers} TaskManagers, ${overview.slotsTotal} slots (${overview.slotsAvailable} free)`,
  );
  const before = await stdoutOfAll(client);
  const { jobId, job } = await client.submit({
    jar,
    parallelism: Number(values.parallelism),
    until: 'FINISHED',
    waitTimeoutMs: 300_000, // the whole wait; each HTTP attempt has its own timeoutMs (client option)
  });
  console.log(
    `job ${jobId} ${job?.state} in ${job?.durationMs} ms; parallelism per vertex: ${job?.vertices.map((v) => v.parallelism).join(', ')}`,
  );
  // The last lines reach the TaskManagers' .out files a moment after FINISHED: read until it settles.
  let output = '';
  for (let tries = 0; tries < 30; tries++) {
    let now = '';
    for (const [id, text] of await stdoutOfAll(client)) now += text.slice(before.get(id)?.length ?? 0);
    if (now.length > 0 && now === output) break;
    output = now;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  const counts = [...countsFrom(output)].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  console.log(`${counts.length} distinct words; top 10:`);
  for (const [word, count] of counts.slice(0, 10)) console.log(`  ${word.padEnd(12)} ${count}`);
}

try {
  if (values.url) {
    const { FlinkClient } = await import('flink-kit');
    await using client = new FlinkClient({ url: values.url });
    // The jar comes from Maven Central, in the version the cluster runs (or pass --jar).
    const jar = values.jar ?? (await exampleJar('WordCount', { flinkVersion: (await client.cluster.overview()).flinkVersion }));
    await run(client, jar);
  } else {
    await using local = await startLocalCluster({
      flinkVersion: values['flink-version'],
      taskManagers: 2,
      slotsPerTaskManager: 2,
      log: (line) => console.error(`[local] ${line}`),
    });
    await run(local.client, values.jar ?? (await local.exampleJar('WordCount')));
  }
} catch (error) {
  console.error(isFlinkError(error) ? `${error.name}: ${error.message}` : error);
  process.exitCode = 1;
}
