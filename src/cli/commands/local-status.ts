import { FlinkClient, type Overview } from '../../index.js';
import { findDetachedCluster } from '../../local/index.js';
import type { CommandRun } from '../context.js';
import { EXIT } from '../exit-codes.js';

/** `flink-kit local status`: exit 0 when it runs, 1 when not. */
const status: CommandRun<'local status'> = async (cli) => {
  const found = findDetachedCluster();
  let overview: Overview | undefined;
  if (found?.running) {
    await using flink = new FlinkClient({ url: found.url, retry: false, timeoutMs: 5_000 });
    overview = await flink.cluster.overview({ signal: cli.signal }).catch(() => undefined);
  }
  const running = found?.running === true;
  await cli.out.result({ running, ...found, overview }, () => {
    if (!found) return 'no local cluster (start one with `flink-kit local up`)';
    if (!running) return `the local cluster at ${found.url} is not running (its JobManager is gone); \`flink-kit local down\` cleans up`;
    return [
      `${found.url} ${cli.out.state('RUNNING')} Flink ${found.flinkVersion}, started ${found.startedAt}`,
      overview
        ? `${overview.taskManagers} TaskManagers, ${overview.slotsTotal} slots (${overview.slotsAvailable} free), ${overview.jobsRunning} jobs running`
        : 'the REST endpoint does not answer yet',
      `JVMs: ${found.jvms.map((j) => `${j.id} (pid ${j.pid}${found.alive.includes(j.id) ? '' : ', gone'})`).join(', ')}`,
      `work dir: ${found.workDir}`,
    ];
  });
  return running ? EXIT.ok : EXIT.error;
};
export default status;
