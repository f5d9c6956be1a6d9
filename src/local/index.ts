/**
 * A real Flink session cluster on 127.0.0.1, assembled from Maven Central (or an unpacked Flink):
 * one JobManager JVM and N TaskManager JVMs, for tests, examples and local development.
 * @packageDocumentation
 */
// First: on Node.js < 22.19 fail with one clear line before undici loads (and dies obscurely).
import '../internal/node-check.js';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FlinkClient } from '../client.js';
import { FlinkVersion } from '../compat/versions.js';
import { poll } from '../core/poll.js';
import { FlinkError, FlinkInputError } from '../errors/flink-error.js';
import { shorten } from '../errors/java-trace.js';
import { FlinkTimeoutError } from '../errors/transport-errors.js';
import { defaultCacheDir, fetchExampleJar, fileTail, MAVEN_CENTRAL, parseVersionRequest, resolveFlinkLib } from './artifacts.js';
import { checkConfigEntry, clusterConfig, writeClusterConfig } from './config.js';
import { checkNoDetachedCluster, forgetDetachedCluster, recordDetachedCluster } from './detached.js';
import { haConfig, waitForJobManager } from './ha.js';
import { checkPortFree, type FlinkProcess, freePort, type JvmSetup, releaseJvm, resourceParams, startJvm, stopJvm } from './processes.js';
import { buildTestJobs, checkTestJobName, type TestJobName } from './test-jobs.js';
import { generateTls, type LocalTls, newTlsPassword, tlsConfig } from './tls.js';
import { checkJava, checkMaven, javaBinary, runTool } from './tools.js';
import { startZooKeeper } from './zookeeper.js';

export {
  type DetachedClusterRecord,
  type DetachedClusterStatus,
  type DetachedStateOptions,
  detachedStateFile,
  findDetachedCluster,
  stopDetachedCluster,
} from './detached.js';
export {
  type CounterCheck,
  type CounterCheckOptions,
  type CounterRecord,
  checkCounterOutput,
  parseCounterOutput,
} from './test-job-output.js';
export { type BuildTestJobOptions, buildTestJob, TEST_JOBS, type TestJobName } from './test-jobs.js';
export type { LocalTls } from './tls.js';

/** Options of {@link startLocalCluster}. Every field is optional. */
export interface LocalClusterOptions {
  /** A full version (`1.20.3`) or a line (`1.20`, `1.20.x` = its newest complete patch). @default '1.20' */
  flinkVersion?: string;
  /** Use an unpacked Flink distribution (its `lib/`, `bin/`, `examples/`) instead of Maven. */
  flinkHome?: string;
  /** Number of TaskManager JVMs. @default 1 */
  taskManagers?: number;
  /** Slots per TaskManager (`taskmanager.numberOfTaskSlots`). @default 2 */
  slotsPerTaskManager?: number;
  /** REST port on 127.0.0.1; 0 picks a free one. @default 0 */
  restPort?: number;
  /** Checkpoint directory shared by all JVMs. Default: `<workDir>/checkpoints` (removed by `stop()`). */
  checkpointDir?: string;
  /** Default savepoint directory. Default: `<workDir>/savepoints` (removed by `stop()`). */
  savepointDir?: string;
  /** Extra Flink configuration; wins over the defaults; `null` removes a default key. */
  config?: Record<string, string | number | boolean | null>;
  /** Working directory for config, logs and temp files. Default: a fresh temp dir, removed by `stop()`. */
  workDir?: string;
  /** Cache for assembled Flink versions and example jars. @default $FLINK_KIT_CACHE or ~/.cache/flink-kit */
  cacheDir?: string;
  /** Maven repository whose metadata lists Flink versions. @default Maven Central */
  mavenRepository?: string;
  /** JDK to use. @default $JAVA_HOME or `java` on PATH */
  javaHome?: string;
  /** Maven executable. @default 'mvn' */
  mvn?: string;
  /** How long to wait for all TaskManagers and slots to register, in milliseconds. @default 180000 */
  startTimeoutMs?: number;
  /** Progress messages (assembling, starting). @default silent */
  log?: (line: string) => void;
  /**
   * Keep the cluster running after this process exits (what `flink-kit local up` does). It is recorded
   * in a state file (`$FLINK_KIT_LOCAL_STATE`, else `<cacheDir>/local-cluster.json`) where
   * `findDetachedCluster()` finds it and `stopDetachedCluster()` (or `stop()`) stops it; only one runs at a time.
   * @default false
   */
  detached?: boolean;
  /**
   * Flink's ZooKeeper high availability: a ZooKeeper on 127.0.0.1 (the one Flink's classpath
   * bundles), HA storage in `<workDir>/ha`. Jobs and their checkpoints then survive
   * `killJobManager()` + `startJobManager()`. @default false
   */
  highAvailability?: boolean;
  /**
   * HTTPS on the REST port (`security.ssl.rest.*`) with a CA and certificates generated at start
   * by keytool; `'mutual'` also requires a client certificate. `local.tls` holds the PEM for
   * clients and `local.client` uses it. @default false
   */
  tls?: boolean | 'mutual';
}

/** A running local cluster. */
export interface LocalCluster extends AsyncDisposable {
  /** REST URL, e.g. `http://127.0.0.1:38123`. */
  readonly url: string;
  /** A client connected to it. */
  readonly client: FlinkClient;
  /** The exact Flink version running. */
  readonly flinkVersion: string;
  /** Working directory (config, logs, temp files). */
  readonly workDir: string;
  /** Directory of JobManager and TaskManager logs (`*.log`, `*.out`). */
  readonly logDir: string;
  /** Checkpoint directory shared by all JVMs. */
  readonly checkpointDir: string;
  /** Default savepoint directory. */
  readonly savepointDir: string;
  /** Ids of the TaskManagers started by this cluster that are still alive. */
  readonly taskManagerIds: readonly string[];
  /**
   * With `tls`, PEM for clients: `new FlinkClient({ url: local.url, tls: local.tls })`. The CA
   * signed a REST certificate for 127.0.0.1 (the host of `url`) and a client certificate.
   */
  readonly tls: LocalTls | undefined;
  /**
   * Local path of a `flink-examples-streaming` example jar (`WordCount`, `TopSpeedWindowing`, …),
   * downloaded on first use.
   */
  exampleJar(name: string): Promise<string>;
  /**
   * Local path of one of flink-kit's own test jobs ({@link TEST_JOBS}: `word-count`, `keyed-counter`,
   * `fail-after`), compiled against this cluster's Flink jars on first use (needs a JDK) and cached.
   * @example await cluster.client.submit({ jar: await cluster.testJobJar('keyed-counter'), parallelism: 2, until: 'RUNNING' });
   */
  testJobJar(name: TestJobName): Promise<string>;
  /** Starts one more TaskManager and returns its id. */
  startTaskManager(): Promise<string>;
  /** Kills one TaskManager JVM (SIGKILL by default, like a crashed pod). */
  killTaskManager(id: string, signal?: NodeJS.Signals): Promise<void>;
  /**
   * Kills the JobManager JVM (SIGKILL by default, like a crashed pod) and resolves once it is gone.
   * With `highAvailability`, its jobs recover when {@link startJobManager} brings a new one up.
   * @throws `FlinkInputError` when no JobManager runs.
   * @example
   * ```ts
   * await local.killJobManager();
   * await local.startJobManager();
   * await local.client.jobs.waitFor(jobId, { until: 'RUNNING' }); // recovered from its latest checkpoint
   * ```
   */
  killJobManager(signal?: NodeJS.Signals): Promise<void>;
  /**
   * Starts a new JobManager JVM on the same REST port and resolves once it leads and the live
   * TaskManagers registered with it. With `highAvailability` it recovers the jobs from ZooKeeper and
   * restores them from their latest checkpoints; without it, the new JobManager knows no jobs.
   * @throws `FlinkInputError` when a JobManager already runs; `FlinkError` with its log tail when it does not come up.
   */
  startJobManager(options?: { timeoutMs?: number }): Promise<void>;
  /** Stops every JVM and removes the temp directories. Safe to call twice. */
  stop(): Promise<void>;
}

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
  const log = options.log ?? (() => {});
  const taskManagers = checkCount('taskManagers', options.taskManagers ?? 1);
  const slots = checkCount('slotsPerTaskManager', options.slotsPerTaskManager ?? 2);
  for (const [key, value] of Object.entries(options.config ?? {})) checkConfigEntry(key, value);
  const cacheDir = resolve(options.cacheDir ?? defaultCacheDir());
  const repository = options.mavenRepository ?? MAVEN_CENTRAL;
  const mvn = options.mvn ?? 'mvn';
  const java = javaBinary(options.javaHome);
  if (options.restPort !== undefined && (!Number.isInteger(options.restPort) || options.restPort < 0 || options.restPort > 65535)) {
    throw new FlinkInputError(`restPort must be 0 (any free port) or 1-65535, got ${options.restPort}`);
  }
  await checkJava(java);
  if (options.detached) await checkNoDetachedCluster({ cacheDir });

  let libEntries: string[];
  let versionText: string;
  let exampleDir: string | undefined;
  if (options.flinkHome) {
    const home = resolve(options.flinkHome);
    if (!existsSync(join(home, 'lib')))
      throw new FlinkInputError(`flinkHome ${home} has no lib/ folder; point it at an unpacked Flink distribution`);
    libEntries = [join(home, 'lib', '*'), join(home, 'bin', '*')];
    versionText = await versionOfLib(java, libEntries);
    exampleDir = join(home, 'examples', 'streaming');
  } else {
    await checkMaven(mvn);
    const resolved = await resolveFlinkLib(parseVersionRequest(options.flinkVersion ?? '1.20'), { cacheDir, repository, mvn, log });
    libEntries = [join(resolved.lib, '*')];
    versionText = resolved.version;
  }
  const version = FlinkVersion.parse(versionText);

  const ownWorkDir = options.workDir === undefined;
  const workDir = ownWorkDir ? await mkdtemp(join(tmpdir(), 'flink-kit-')) : resolve(options.workDir as string);
  const dirs = {
    conf: join(workDir, 'conf'),
    log: join(workDir, 'log'),
    tmp: join(workDir, 'tmp'),
    checkpoints: resolve(options.checkpointDir ?? join(workDir, 'checkpoints')),
    savepoints: resolve(options.savepointDir ?? join(workDir, 'savepoints')),
  };
  const processes: FlinkProcess[] = [];
  let zooKeeper: FlinkProcess | undefined;
  const tlsDir = join(workDir, 'tls');
  const cleanup = async () => {
    await Promise.all(processes.map((p) => stopJvm(p)));
    // After the JobManager: it talks to ZooKeeper while it shuts down.
    if (zooKeeper) await stopJvm(zooKeeper);
    if (ownWorkDir) await rm(workDir, { recursive: true, force: true });
    // Keys go even from a workDir the caller owns.
    else if (options.tls) await rm(tlsDir, { recursive: true, force: true });
    if (options.detached) await forgetDetachedCluster(workDir, { cacheDir });
  };

  try {
    for (const dir of Object.values(dirs)) await mkdir(dir, { recursive: true });
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
        ...(zooKeeperPort ? haConfig(zooKeeperPort, join(workDir, 'ha')) : {}),
        ...(options.tls ? tlsConfig(tlsDir, tlsPassword, options.tls === 'mutual') : {}),
        ...options.config,
      },
    );
    await writeClusterConfig(dirs.conf, version, config);
    const setup: JvmSetup = {
      java,
      classpath: libEntries,
      confDir: dirs.conf,
      logDir: dirs.log,
      tmpDir: dirs.tmp,
      detached: options.detached === true,
    };
    // In parallel: each is a JVM of its own.
    const zooKeeperStart = zooKeeperPort ? startZooKeeper(setup, join(workDir, 'zookeeper'), zooKeeperPort) : undefined;
    void zooKeeperStart?.then((zk) => {
      zooKeeper = zk;
    });
    const [jmParams, tmParams, tls] = await allSettled([
      resourceParams(setup, 'JM'),
      resourceParams(setup, 'TM'),
      options.tls ? generateTls(java, tlsDir, tlsPassword) : Promise.resolve(undefined),
      zooKeeperStart ?? Promise.resolve(undefined),
    ]);

    log(`starting Flink ${version} on 127.0.0.1:${restPort} (1 JobManager, ${taskManagers} TaskManagers x ${slots} slots)`);
    const startJm = () => {
      const jobManager = startJvm(setup, 'jobmanager', 'org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint', jmParams);
      processes.push(jobManager);
      return jobManager;
    };
    startJm();
    let nextTm = 1;
    const startTm = () => {
      const id = `tm-${nextTm++}`;
      processes.push(
        startJvm(setup, id, 'org.apache.flink.runtime.taskexecutor.TaskManagerRunner', tmParams, ['-D', `taskmanager.resource-id=${id}`]),
      );
      return id;
    };
    for (let i = 0; i < taskManagers; i++) startTm();

    const url = `${tls ? 'https' : 'http'}://127.0.0.1:${restPort}`;
    const client = new FlinkClient({ url, retry: false, timeoutMs: 5_000, ...(tls ? { tls } : {}) });
    const startTimeoutMs = options.startTimeoutMs ?? 180_000;
    try {
      await waitUntilReady(client, processes, taskManagers, slots, startTimeoutMs);
    } finally {
      await client.close();
    }
    log(`Flink ${version} is up at ${url}`);
    const startedAt = new Date().toISOString();
    const detachedCluster = options.detached === true;
    /** A detached cluster's record lists its live JVMs: ZooKeeper first, so it is stopped last. */
    const recordDetached = async () => {
      const live = [...(zooKeeper ? [zooKeeper] : []), ...processes.filter(alive)];
      live.forEach(releaseJvm);
      const jvms = live.map((p) => ({ id: p.id, pid: p.child.pid ?? 0 }));
      const { log: dir, checkpoints: checkpointDir, savepoints: savepointDir } = dirs;
      const record = { url, flinkVersion: version.raw, workDir, logDir: dir, checkpointDir, savepointDir, jvms, startedAt };
      await recordDetachedCluster({ ...record, taskManagers, slotsPerTaskManager: slots }, { cacheDir });
    };
    if (options.detached) await recordDetached();

    let stopped: Promise<void> | undefined;
    const examples = new Map<string, Promise<string>>();
    const cluster: LocalCluster = {
      url,
      client: new FlinkClient({ url, ...(tls ? { tls } : {}) }),
      tls,
      flinkVersion: version.raw,
      workDir,
      logDir: dirs.log,
      checkpointDir: dirs.checkpoints,
      savepointDir: dirs.savepoints,
      get taskManagerIds() {
        return processes.filter((p) => p.id !== 'jobmanager' && alive(p)).map((p) => p.id);
      },
      exampleJar(name) {
        if (exampleDir && existsSync(join(exampleDir, `${name}.jar`))) return Promise.resolve(join(exampleDir, `${name}.jar`));
        let jar = examples.get(name);
        if (!jar) {
          jar = fetchExampleJar(name, version.raw, { cacheDir, repository, mvn, log });
          jar.catch(() => examples.delete(name));
          examples.set(name, jar);
        }
        return jar;
      },
      async testJobJar(name) {
        checkTestJobName(name);
        const build = { version: version.raw, classpath: libEntries, cacheDir, repository, mvn, javaHome: options.javaHome, log };
        return join(await buildTestJobs(build), `${name}.jar`);
      },
      async startTaskManager() {
        const id = startTm();
        if (options.detached) await recordDetached();
        return id;
      },
      async killTaskManager(id, signal = 'SIGKILL') {
        const proc = processes.find((p) => p.id === id);
        if (!proc) throw new FlinkInputError(`no TaskManager ${id}; running: ${cluster.taskManagerIds.join(', ') || 'none'}`);
        await stopJvm(proc, 15_000, signal);
      },
      async killJobManager(signal = 'SIGKILL') {
        const jobManager = processes.find((p) => p.id === 'jobmanager' && alive(p));
        if (!jobManager) throw new FlinkInputError('no JobManager is running; startJobManager() starts one');
        await stopJvm(jobManager, 15_000, signal);
      },
      async startJobManager(options = {}) {
        if (processes.some((p) => p.id === 'jobmanager' && alive(p)))
          throw new FlinkInputError('a JobManager is already running on this REST port; killJobManager() first');
        const jobManager = startJm();
        if (detachedCluster) await recordDetached();
        await waitForJobManager(cluster.client, jobManager, cluster.taskManagerIds.length, options.timeoutMs ?? startTimeoutMs);
      },
      stop() {
        stopped ??= cluster.client.close().then(cleanup);
        return stopped;
      },
      [Symbol.asyncDispose]() {
        return cluster.stop();
      },
    };
    return cluster;
  } catch (error) {
    await cleanup();
    throw error;
  }
}

async function waitUntilReady(
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
    details: `--- ${p.outFile}\n${out}\n--- ${p.logFile}\n${logTail}`,
  });
}

/** Reads the Flink version of a lib folder (for flinkHome) from the flink-dist / flink-runtime jar name. */
async function versionOfLib(java: string, entries: string[]): Promise<string> {
  const { readdir } = await import('node:fs/promises');
  const lib = (entries[0] ?? '').replace(/\/\*$/, '');
  const names = await readdir(lib);
  const m = names.map((n) => /^flink-(?:dist|runtime)(?:_[\d.]+)?-(\d+\.\d+\.\d+)\.jar$/.exec(n)?.[1]).find(Boolean);
  if (m) return m;
  const result = await runTool(java, ['-cp', entries.join(':'), 'org.apache.flink.runtime.util.EnvironmentInformation']);
  const v = /Version: (\d+\.\d+\.\d+)/.exec(result.output)?.[1];
  if (!v) throw new FlinkInputError(`cannot tell the Flink version of ${lib}; expected a flink-dist-<version>.jar in it`);
  return v;
}

/**
 * Local path of a `flink-examples-streaming` example jar for a Flink version, downloaded on first
 * use (no cluster needed), e.g. to run WordCount on a remote cluster of that version.
 * @example const jar = await exampleJar('WordCount', { flinkVersion: (await flink.cluster.overview()).flinkVersion });
 */
export async function exampleJar(
  name: string,
  options: { flinkVersion: string; cacheDir?: string; mavenRepository?: string; mvn?: string; log?: (line: string) => void },
): Promise<string> {
  const mvn = options.mvn ?? 'mvn';
  const v = FlinkVersion.parse(options.flinkVersion);
  return fetchExampleJar(name, `${v.major}.${v.minor}.${v.patch}`, {
    cacheDir: resolve(options.cacheDir ?? defaultCacheDir()),
    repository: options.mavenRepository ?? MAVEN_CENTRAL,
    mvn,
    log: options.log ?? (() => {}),
  });
}

/** Like `Promise.all`, but throws the first failure only once all settled: nothing is still starting behind a cleanup. */
async function allSettled<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(promises);
  for (const result of settled) if (result.status === 'rejected') throw result.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

function alive(p: FlinkProcess): boolean {
  return p.child.exitCode === null && p.child.signalCode === null;
}

function checkCount(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 64)
    throw new FlinkInputError(`${name} must be an integer from 1 to 64, got ${value}`);
  return value;
}
