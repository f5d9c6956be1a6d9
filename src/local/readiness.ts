import type { FlinkClient } from '../client.js';
import { poll } from '../core/poll.js';
import { FlinkError } from '../errors/flink-error.js';
import { shorten } from '../errors/java-trace.js';
import { FlinkTimeoutError } from '../errors/transport-errors.js';
import { fileTail } from './file-tail.js';
import type { FlinkProcess } from './processes.js';

/**
 * Waits until every TaskManager registered its slots with a newly started cluster.
 * @throws `FlinkError` when a JVM dies first (with its log tail and the innermost "Caused by:") or
 * `timeoutMs` passes (with every JVM's log tail).
 */
export async function waitUntilReady(
  client: FlinkClient,
  processes: FlinkProcess[],
  taskManagers: number,
  slots: number,
  timeoutMs: number,
): Promise<void> {
  const deaths = processes.map((p) => p.exited.then((how) => ({ p, how })));
  let died: { p: FlinkProcess; how: string } | undefined;
  void Promise.race(deaths).then((d) => {
    died = d;
  });
  try {
    await poll(
      async () => {
        if (died) throw await jvmDiedError(died.p, died.how);
        const overview = await client.cluster.overview().catch(() => undefined);
        if (overview && overview.taskManagers >= taskManagers && overview.slotsTotal >= taskManagers * slots)
          return { done: true, value: overview };
        return {
          done: false,
          seen: overview ? `${overview.taskManagers} TaskManagers, ${overview.slotsTotal} slots` : 'REST endpoint not answering yet',
        };
      },
      {
        what: `${taskManagers} TaskManagers with ${slots} slots each to register`,
        waitTimeoutMs: timeoutMs,
        minDelayMs: 200,
        maxDelayMs: 1000,
      },
    );
  } catch (error) {
    if (error instanceof FlinkTimeoutError) {
      const logs = await Promise.all(processes.map(async (p) => `--- ${p.logFile}\n${await fileTail(p.logFile, 25)}`));
      throw new FlinkError(
        `the local Flink cluster did not come up within ${timeoutMs} ms (${error.message}). See details for the JVM logs; common causes: too little memory for ${taskManagers} TaskManagers, or a firewall on 127.0.0.1.`,
        { details: logs.join('\n'), cause: error },
      );
    }
    throw error;
  }
}

async function jvmDiedError(p: FlinkProcess, how: string): Promise<FlinkError> {
  const out = await fileTail(p.outFile, 30);
  const logTail = await fileTail(p.logFile, 30);
  const what = p.id === 'jobmanager' ? 'the JobManager' : `TaskManager ${p.id}`;
  const portHint = /BindException|Address already in use/.test(out + logTail)
    ? ' A port it needs is in use: stop the other process or pick another restPort.'
    : '';
  // The innermost "Caused by:" of the log says why, e.g. a port or a configuration key.
  const cause = (await fileTail(p.logFile, 400)).split('\n').findLast((l) => l.startsWith('Caused by: '));
  const why = cause ? `: ${shorten(cause.slice('Caused by: '.length))}` : '';
  return new FlinkError(`${what} JVM exited during start-up (${how})${why}.${portHint} See details for its log tail (${p.logFile}).`, {
    details: logTails(p, out, logTail),
  });
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
        details: logTails(jobManager, await fileTail(jobManager.outFile, 30), await fileTail(jobManager.logFile, 40)),
        cause: error,
      },
    );
  }
}

/** A JVM's stdout and log tails, headed by their file names, for an error's `details`. */
function logTails(p: FlinkProcess, out: string, log: string): string {
  return `--- ${p.outFile}\n${out}\n--- ${p.logFile}\n${log}`;
}
