/**
 * Savepoint-and-restart, the runbook of every Flink upgrade or rescale, scripted: start a
 * long-running job, watch two checkpoints complete, stop it with a savepoint, start it again from
 * that savepoint at a higher parallelism, and show that it restored and carries on.
 *
 *   node examples/savepoint-and-restart.ts [--url URL] [-p N] [--savepoint-dir DIR] [--flink-version 1.20]
 *
 * The job is Flink's WordCount watching a directory (it never ends). Without --url it starts a
 * local Flink cluster (Java 17 + Maven needed) and stops it at the end. With --url the cluster needs
 * a savepoint directory (or pass --savepoint-dir), and the job's input directory, created here in
 * the temp dir, must be readable by its TaskManagers (a cluster on this machine).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FlinkClient, isFlinkError } from 'flink-kit';
import { exampleJar, startLocalCluster } from 'flink-kit/local';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    parallelism: { type: 'string', short: 'p', default: '1' },
    'savepoint-dir': { type: 'string' },
    'flink-version': { type: 'string', default: '1.20' },
  },
});
const parallelism = Number(values.parallelism);

async function savepointAndRestart(flink: FlinkClient, jarFile: string): Promise<void> {
  // The input directory WordCount watches; a new file there is new input.
  const input = mkdtempSync(join(tmpdir(), 'flink-kit-example-'));
  writeFileSync(join(input, '1.txt'), 'to be or not to be\n');
  const job = {
    args: ['--input', input, '--discovery-interval', '1s'],
    config: { 'execution.checkpointing.interval': '1s' }, // checkpoints on, whatever the cluster says
  };
  const started: string[] = [];
  const jar = { id: (await flink.jars.upload(jarFile)).id }; // uploaded once, run twice
  try {
    // 1. Start the job and wait until all its tasks run.
    const first = await flink.submit({ jar, parallelism, ...job });
    started.push(first.jobId);
    console.log(`started job ${first.jobId} at parallelism ${parallelism}`);

    // 2. Watch two checkpoints complete.
    let seen = 0;
    for await (const event of flink.checkpoints.watch(first.jobId)) {
      if (event.type !== 'completed') continue;
      console.log(`  checkpoint ${event.checkpointId} completed in ${event.durationMs} ms: ${event.externalPath}`);
      if (++seen === 2) break; // leaving the loop ends the watch
    }

    // 3. Stop with a savepoint: the job ends FINISHED, its state is in the savepoint.
    const dir = values['savepoint-dir'];
    const { savepointPath } = await flink.jobs.stop(first.jobId, dir ? { targetDirectory: dir } : {});
    console.log(`stopped job ${first.jobId} with savepoint ${savepointPath}`);

    // 4. Start it again from the savepoint, at a higher parallelism.
    writeFileSync(join(input, '2.txt'), 'that is the question\n'); // input that arrives while it was down
    const next = await flink.submit({ jar, parallelism: parallelism + 1, savepointPath, ...job });
    started.push(next.jobId);
    const widest = Math.max(...(next.job?.vertices.map((v) => v.parallelism) ?? [0]));
    console.log(`restarted as job ${next.jobId} at parallelism ${widest}`);

    // 5. It restored from the savepoint, and carries on: new checkpoints complete.
    const { latest } = await flink.checkpoints.stats(next.jobId);
    if (latest.restored?.externalPath !== savepointPath)
      throw new Error(`job ${next.jobId} did not restore from ${savepointPath} (restored: ${latest.restored?.externalPath})`);
    console.log(`  restored from ${latest.restored.externalPath} (checkpoint ${latest.restored.checkpointId})`);
    for await (const event of flink.checkpoints.watch(next.jobId)) {
      if (event.type !== 'completed') continue;
      console.log(`  carries on: checkpoint ${event.checkpointId} completed after the restore`);
      break;
    }
  } finally {
    for (const id of started) await flink.jobs.cancel(id).catch(() => undefined);
    await flink.jars.delete(jar.id).catch(() => undefined);
    rmSync(input, { recursive: true, force: true });
  }
}

try {
  if (values.url) {
    await using flink = new FlinkClient({ url: values.url });
    const jar = await exampleJar('WordCount', { flinkVersion: (await flink.cluster.overview()).flinkVersion });
    await savepointAndRestart(flink, jar);
  } else {
    await using local = await startLocalCluster({
      flinkVersion: values['flink-version'],
      taskManagers: 2,
      slotsPerTaskManager: 2,
      log: (line) => console.error(`[local] ${line}`),
    });
    await savepointAndRestart(local.client, await local.exampleJar('WordCount'));
  }
} catch (error) {
  console.error(isFlinkError(error) ? `${error.name}: ${error.message}` : error);
  process.exitCode = 1;
}
