import { mkdir, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { poll } from '../core/poll.js';
import { FlinkError } from '../errors/flink-error.js';
import { fileTail } from './file-tail.js';
import { type FlinkProcess, type JvmSetup, startJvm, stopJvm } from './processes.js';

/**
 * Flink's own ZooKeeper launcher (what `bin/start-zookeeper-quorum.sh` runs). It lives in
 * flink-runtime and starts the ZooKeeper server that flink-shaded-zookeeper-3 bundles, so the
 * cluster's classpath (from Maven Central) already holds everything: the server is the same
 * ZooKeeper release as the client inside Flink.
 */
const ZOOKEEPER_MAIN = 'org.apache.flink.runtime.zookeeper.FlinkZooKeeperQuorumPeer';

/**
 * A one-node ZooKeeper on 127.0.0.1:`port`, data in `dir`. A tick of 500 ms lets sessions be as
 * short as 1 s (2 ticks) and as long as 10 s (20 ticks): a killed JobManager's leadership expires
 * within the session timeout Flink asks for (see `haConfig`).
 */
export function zooKeeperConfig(dir: string, port: number): string {
  return [
    '# Written by flink-kit (local cluster, high availability)',
    'tickTime=500',
    'initLimit=10',
    'syncLimit=5',
    `dataDir=${join(dir, 'data')}`,
    `clientPort=${port}`,
    'clientPortAddress=127.0.0.1',
    'maxClientCnxns=0',
    // No Jetty admin server on port 8080; `ruok` is how start-up is checked.
    'admin.enableServer=false',
    '4lw.commands.whitelist=ruok',
    '',
  ].join('\n');
}

/**
 * Starts ZooKeeper in its own JVM and waits until it answers `ruok`.
 * @throws {@link FlinkError} with the JVM's log tail when it dies or does not answer within `timeoutMs`.
 */
export async function startZooKeeper(setup: JvmSetup, dir: string, port: number, timeoutMs = 60_000): Promise<FlinkProcess> {
  await mkdir(join(dir, 'data'), { recursive: true });
  const configFile = join(dir, 'zoo.cfg');
  await writeFile(configFile, zooKeeperConfig(dir, port));
  const proc = startJvm(setup, 'zookeeper', ZOOKEEPER_MAIN, { jvm: ['-Xms64m', '-Xmx128m'], dynamic: [] }, [
    '--zkConfigFile',
    configFile,
    '--peerId',
    '1',
  ]);
  let died: string | undefined;
  void proc.exited.then((how) => {
    died = how;
  });
  try {
    await poll(
      async () => {
        if (died !== undefined) throw new FlinkError(`the ZooKeeper JVM exited during start-up (${died}).`);
        return (await ruok(port)) ? { done: true, value: undefined } : { done: false, seen: 'no answer to ruok yet' };
      },
      { what: `ZooKeeper on 127.0.0.1:${port} to answer`, waitTimeoutMs: timeoutMs, minDelayMs: 200, maxDelayMs: 1_000 },
    );
  } catch (error) {
    await stopJvm(proc, 5_000);
    if (!(error instanceof FlinkError)) throw error;
    throw new FlinkError(
      `ZooKeeper for the local cluster's high availability did not start (${error.message.replace(/\.$/, '')}). See details for its log (${proc.logFile}).`,
      {
        details: `--- ${proc.outFile}\n${await fileTail(proc.outFile, 30)}\n--- ${proc.logFile}\n${await fileTail(proc.logFile, 30)}`,
        cause: error,
      },
    );
  }
  return proc;
}

/** Sends ZooKeeper's `ruok` and tells whether it answered `imok`. */
function ruok(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2_000, () => done(false));
    socket.once('connect', () => socket.write('ruok'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
    });
    socket.once('end', () => done(reply === 'imok'));
    socket.once('error', () => done(false));
  });
}
