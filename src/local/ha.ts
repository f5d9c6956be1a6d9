import type { FlinkClient } from '../client.js';
import { poll } from '../core/poll.js';
import { FlinkError } from '../errors/flink-error.js';
import { fileTail } from './artifacts.js';
import type { FlinkProcess } from './processes.js';

/** ZooKeeper session timeout the local cluster's JVMs ask for, in milliseconds. */
const HA_SESSION_TIMEOUT_MS = 8_000;

/**
 * Flink's ZooKeeper high availability on loopback, for 1.18 to 2.x. A killed JobManager's
 * leadership lasts until its ZooKeeper session expires, so the session timeout (60 s by default)
 * is short here: a new JobManager takes over about 8 s after a kill. Plain millisecond numbers
 * parse both where the option is an integer (1.x) and where it is a duration (2.x).
 */
export function haConfig(zooKeeperPort: number, storageDir: string): Record<string, string> {
  return {
    'high-availability.type': 'zookeeper',
    'high-availability.zookeeper.quorum': `127.0.0.1:${zooKeeperPort}`,
    'high-availability.storageDir': `file://${storageDir}`,
    'high-availability.cluster-id': '/flink-kit-local',
    'high-availability.zookeeper.client.session-timeout': String(HA_SESSION_TIMEOUT_MS),
    'high-availability.zookeeper.client.connection-timeout': '5000',
    // A busy machine may stall a JVM past the connection timeout: keep leadership until the session is lost.
    'high-availability.zookeeper.client.tolerate-suspended-connections': 'true',
  };
}

/**
 * Waits until a (re)started JobManager leads: its REST endpoint answers and the `taskManagers`
 * still alive registered with it again.
 * @throws {@link FlinkError} with the JobManager's log tail when it dies or `timeoutMs` passes.
 */
export async function waitForJobManager(
  client: FlinkClient,
  jobManager: FlinkProcess,
  taskManagers: number,
  timeoutMs: number,
): Promise<void> {
  let died: string | undefined;
  void jobManager.exited.then((how) => {
    died = how;
  });
  try {
    await poll(
      async () => {
        if (died !== undefined) throw new FlinkError(`the JobManager JVM exited during start-up (${died})`);
        const overview = await client.cluster.overview({ retry: false, timeoutMs: 5_000 }).catch(() => undefined);
        if (overview && overview.taskManagers >= taskManagers) return { done: true, value: undefined };
        return { done: false, seen: overview ? `${overview.taskManagers} TaskManagers registered` : 'REST endpoint not answering yet' };
      },
      {
        what: `the new JobManager to lead with ${taskManagers} TaskManagers`,
        waitTimeoutMs: timeoutMs,
        minDelayMs: 200,
        maxDelayMs: 1_000,
      },
    );
  } catch (error) {
    if (!(error instanceof FlinkError)) throw error;
    throw new FlinkError(
      `the restarted JobManager did not come up (${error.message.replace(/\.$/, '')}). See details for its log tail (${jobManager.logFile}).`,
      {
        details: `--- ${jobManager.outFile}\n${await fileTail(jobManager.outFile, 30)}\n--- ${jobManager.logFile}\n${await fileTail(jobManager.logFile, 40)}`,
        cause: error,
      },
    );
  }
}
