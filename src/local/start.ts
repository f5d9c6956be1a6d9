import { rm } from 'node:fs/promises';
import { FlinkClient } from '../client.js';
import { type ClusterHandleParts, clusterHandle, type LocalCluster } from './cluster-handle.js';
import { ClusterJvms } from './cluster-jvms.js';
import { clusterConfig, writeClusterConfig } from './config.js';
import { checkNoDetachedCluster, forgetDetachedCluster, recordDetachedCluster } from './detached.js';
import { findDistribution } from './distribution.js';
import { haConfig } from './ha.js';
import { clusterDirs, makeDirs } from './layout.js';
import { type LocalClusterOptions, startSettings } from './options.js';
import { checkPortFree, freePort, type JvmSetup, resourceParams } from './processes.js';
import { waitUntilReady } from './readiness.js';
import { generateTls, newTlsPassword, tlsConfig } from './tls.js';
import { checkJava } from './tools.js';
import { startZooKeeper } from './zookeeper.js';

/**
 * Starts a Flink session cluster on 127.0.0.1 and waits until every TaskManager registered its slots.
 * @throws `FlinkError` for a missing Java or Maven, an unknown version, a port in use or a
 * TaskManager that never registers; the message names the fix, `details` holds the JVM log tail,
 * and nothing is left running.
 * @example
 * ```ts
 * import { startLocalCluster } from 'flink-kit/local';
 * await using flink = await startLocalCluster({ taskManagers: 2, slotsPerTaskManager: 2 });
 * await flink.client.submit({ jar: await flink.exampleJar('WordCount'), until: 'FINISHED' });
 * ```
 */
export async function startLocalCluster(options: LocalClusterOptions = {}): Promise<LocalCluster> {
  const settings = startSettings(options);
  const { log, taskManagers, slotsPerTaskManager: slots, cacheDir } = settings;
  await checkJava(settings.java);
  if (settings.detached) await checkNoDetachedCluster({ cacheDir });
  const distribution = await findDistribution(options, settings);
  const { version } = distribution;

  const dirs = await clusterDirs(options);
  const jvms = new ClusterJvms();
  const cleanup = async () => {
    await jvms.stopAll();
    if (dirs.ownWorkDir) await rm(dirs.workDir, { recursive: true, force: true });
    // Keys go even from a workDir the caller owns.
    else if (options.tls) await rm(dirs.tls, { recursive: true, force: true });
    if (settings.detached) await forgetDetachedCluster(dirs.workDir, { cacheDir });
  };

  try {
    await makeDirs(dirs);
    const restPort = options.restPort || (await freePort());
    if (options.restPort) await checkPortFree(restPort, 'REST');
    const rpcPort = await freePort();
    const zooKeeperPort = options.highAvailability ? await freePort() : undefined;
    const tlsPassword = options.tls ? newTlsPassword() : '';
    const config = clusterConfig(
      {
        version,
        confDir: dirs.conf,
        tmpDir: dirs.tmp,
        checkpointDir: dirs.checkpoints,
        savepointDir: dirs.savepoints,
        restPort,
        rpcPort,
        slotsPerTaskManager: slots,
      },
      {
        ...(zooKeeperPort ? haConfig(zooKeeperPort, dirs.ha) : {}),
        ...(options.tls ? tlsConfig(dirs.tls, tlsPassword, options.tls === 'mutual') : {}),
        ...options.config,
      },
    );
    await writeClusterConfig(dirs.conf, version, config);
    const setup: JvmSetup = {
      java: settings.java,
      classpath: distribution.classpath,
      confDir: dirs.conf,
      logDir: dirs.log,
      tmpDir: dirs.tmp,
      detached: settings.detached,
    };
    // In parallel: each is a JVM of its own.
    const zooKeeperStart = zooKeeperPort ? startZooKeeper(setup, dirs.zooKeeper, zooKeeperPort) : undefined;
    void zooKeeperStart?.then((zk) => {
      jvms.zooKeeper = zk;
    });
    const [jobManager, taskManager, tls] = await allSettled([
      resourceParams(setup, 'JM'),
      resourceParams(setup, 'TM'),
      options.tls ? generateTls(settings.java, dirs.tls, tlsPassword) : Promise.resolve(undefined),
      zooKeeperStart ?? Promise.resolve(undefined),
    ]);
    jvms.launchWith({ setup, jobManager, taskManager });

    log(`starting Flink ${version} on 127.0.0.1:${restPort} (1 JobManager, ${taskManagers} TaskManagers x ${slots} slots)`);
    jvms.startJobManager();
    for (let i = 0; i < taskManagers; i++) jvms.startTaskManager();

    const url = `${tls ? 'https' : 'http'}://127.0.0.1:${restPort}`;
    const client = new FlinkClient({ url, retry: false, timeoutMs: 5_000, ...(tls ? { tls } : {}) });
    try {
      await waitUntilReady(client, jvms.processes, taskManagers, slots, settings.startTimeoutMs);
    } finally {
      await client.close();
    }
    log(`Flink ${version} is up at ${url}`);
    const startedAt = new Date().toISOString();
    /** A detached cluster's record lists its live JVMs: ZooKeeper first, so it is stopped last. */
    const recordDetached = async () => {
      const live = jvms.release().map((p) => ({ id: p.id, pid: p.child.pid ?? 0 }));
      const { workDir, log: logDir, checkpoints: checkpointDir, savepoints: savepointDir } = dirs;
      const record = { url, flinkVersion: version.raw, workDir, logDir, checkpointDir, savepointDir, jvms: live, startedAt };
      await recordDetachedCluster({ ...record, taskManagers, slotsPerTaskManager: slots }, { cacheDir });
    };
    const jvmsChanged = settings.detached ? recordDetached : async () => {};
    await jvmsChanged();
    const parts: ClusterHandleParts = { url, tls, version, dirs, distribution, settings, jvms, jvmsChanged, cleanup };
    return clusterHandle(parts);
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** Like `Promise.all`, but throws the first failure only once all settled: nothing is still starting behind a cleanup. */
async function allSettled<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(promises);
  for (const result of settled) if (result.status === 'rejected') throw result.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
