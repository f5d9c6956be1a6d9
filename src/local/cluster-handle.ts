import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FlinkClient } from '../client.js';
import type { FlinkVersion } from '../compat/versions.js';
import { FlinkInputError } from '../errors/flink-error.js';
import type { ClusterJvms } from './cluster-jvms.js';
import type { FlinkDistribution } from './distribution.js';
import type { ClusterDirs } from './layout.js';
import { fetchExampleJar } from './maven-jars.js';
import type { StartSettings } from './options.js';
import { stopJvm } from './processes.js';
import { waitForJobManager } from './readiness.js';
import { buildTestJobs, checkTestJobName, type TestJobName } from './test-jobs.js';
import type { LocalTls } from './tls.js';

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
  startJobManager(options?: {
    /** How long to wait for it to lead, in milliseconds. @default the cluster's `startTimeoutMs` */
    waitTimeoutMs?: number;
  }): Promise<void>;
  /** Stops every JVM and removes the temp directories. Safe to call twice. */
  stop(): Promise<void>;
}

/** What a started cluster's handle works on. */
export interface ClusterHandleParts {
  url: string;
  tls: LocalTls | undefined;
  version: FlinkVersion;
  dirs: ClusterDirs;
  distribution: FlinkDistribution;
  settings: StartSettings;
  jvms: ClusterJvms;
  /** Runs after JVMs were started (a detached cluster records them). */
  jvmsChanged: () => Promise<void>;
  /** Stops every JVM and removes what the start created. */
  cleanup: () => Promise<void>;
}

/** The {@link LocalCluster} of a cluster that is up. */
export function clusterHandle(parts: ClusterHandleParts): LocalCluster {
  const { url, tls, version, dirs, distribution, settings, jvms } = parts;
  let stopped: Promise<void> | undefined;
  const examples = new Map<string, Promise<string>>();
  const cluster: LocalCluster = {
    url,
    client: new FlinkClient({ url, ...(tls ? { tls } : {}) }),
    tls,
    flinkVersion: version.raw,
    workDir: dirs.workDir,
    logDir: dirs.log,
    checkpointDir: dirs.checkpoints,
    savepointDir: dirs.savepoints,
    get taskManagerIds() {
      return jvms.liveTaskManagerIds();
    },
    exampleJar(name) {
      const { exampleDir } = distribution;
      if (exampleDir && existsSync(join(exampleDir, `${name}.jar`))) return Promise.resolve(join(exampleDir, `${name}.jar`));
      let jar = examples.get(name);
      if (!jar) {
        jar = fetchExampleJar(name, version.raw, settings);
        jar.catch(() => examples.delete(name));
        examples.set(name, jar);
      }
      return jar;
    },
    async testJobJar(name) {
      checkTestJobName(name);
      const build = { ...settings, version: version.raw, classpath: distribution.classpath };
      return join(await buildTestJobs(build), `${name}.jar`);
    },
    async startTaskManager() {
      const id = jvms.startTaskManager();
      await parts.jvmsChanged();
      return id;
    },
    async killTaskManager(id, signal = 'SIGKILL') {
      const proc = jvms.byId(id);
      if (!proc) throw new FlinkInputError(`no TaskManager ${id}; running: ${cluster.taskManagerIds.join(', ') || 'none'}`);
      await stopJvm(proc, 15_000, signal);
    },
    async killJobManager(signal = 'SIGKILL') {
      const jobManager = jvms.liveJobManager();
      if (!jobManager) throw new FlinkInputError('no JobManager is running; startJobManager() starts one');
      await stopJvm(jobManager, 15_000, signal);
    },
    async startJobManager(options = {}) {
      if (jvms.liveJobManager()) throw new FlinkInputError('a JobManager is already running on this REST port; killJobManager() first');
      const jobManager = jvms.startJobManager();
      await parts.jvmsChanged();
      await waitForJobManager(cluster.client, jobManager, cluster.taskManagerIds.length, options.waitTimeoutMs ?? settings.startTimeoutMs);
    },
    stop() {
      stopped ??= cluster.client.close().then(parts.cleanup);
      return stopped;
    },
    [Symbol.asyncDispose]() {
      return cluster.stop();
    },
  };
  return cluster;
}
