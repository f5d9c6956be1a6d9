import { findDetachedCluster, stopDetachedCluster } from '../../local/detached.js';
import type { Cli } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { spin } from '../ui.js';

/** `flink-kit local up`: start a detached local cluster and print its URL. */
export async function up(cli: Cli, _args: unknown, flags: Record<string, unknown>): Promise<number> {
  const { startLocalCluster } = await import('../../local/index.js');
  const config = (flags['D'] as Record<string, string> | undefined) ?? {};
  const cluster = await spin('starting a local Flink cluster', (spinner) =>
    startLocalCluster({
      detached: true,
      flinkVersion: flags['flinkVersion'] as string,
      taskManagers: flags['taskmanagers'] as number,
      slotsPerTaskManager: flags['slots'] as number,
      config,
      log: (line) => {
        spinner.text(line);
        if (cli.out.verbose) process.stderr.write(`${line}\n`);
      },
    }),
  );
  await cluster.client.close();
  const status = findDetachedCluster();
  await cli.out.result(status, () => cluster.url);
  cli.out.note(
    `Flink ${cluster.flinkVersion}, logs in ${cluster.logDir}. Commands use it when no --url is given; \`flink-kit local down\` stops it.`,
  );
  return EXIT.ok;
}

/** `flink-kit local status`: exit 0 when it runs, 1 when not. */
export async function status(cli: Cli): Promise<number> {
  const found = findDetachedCluster();
  let overview: unknown;
  if (found?.running) {
    const { FlinkClient } = await import('../../client.js');
    await using flink = new FlinkClient({ url: found.url, retry: false, timeoutMs: 5_000 });
    overview = await flink.cluster.overview({ signal: cli.signal }).catch(() => undefined);
  }
  const running = found?.running === true;
  await cli.out.result({ running, ...found, overview }, () => {
    if (!found) return 'no local cluster (start one with `flink-kit local up`)';
    if (!running) return `the local cluster at ${found.url} is not running (its JobManager is gone); \`flink-kit local down\` cleans up`;
    const o = overview as { taskManagers: number; slotsTotal: number; slotsAvailable: number; jobsRunning: number } | undefined;
    return [
      `${found.url} ${cli.out.state('RUNNING')} Flink ${found.flinkVersion}, started ${found.startedAt}`,
      o
        ? `${o.taskManagers} TaskManagers, ${o.slotsTotal} slots (${o.slotsAvailable} free), ${o.jobsRunning} jobs running`
        : 'the REST endpoint does not answer yet',
      `JVMs: ${found.jvms.map((j) => `${j.id} (pid ${j.pid}${found.alive.includes(j.id) ? '' : ', gone'})`).join(', ')}`,
      `work dir: ${found.workDir}`,
    ];
  });
  return running ? EXIT.ok : EXIT.error;
}

/** `flink-kit local down`: stop it; no JVM and no temp dir left behind. */
export async function down(cli: Cli): Promise<number> {
  const stopped = await spin('stopping the local cluster', () => stopDetachedCluster());
  await cli.out.result({ stopped: stopped !== undefined, url: stopped?.url }, () =>
    stopped ? `stopped the local cluster at ${stopped.url}` : 'no local cluster was running',
  );
  return EXIT.ok;
}
