import { FlinkInputError } from '../errors/flink-error.js';
import { checkConfigEntry } from './config.js';
import { type MavenSettings, mavenSettings } from './maven-settings.js';
import { javaBinary } from './tools.js';

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

/** The options of one start, checked, with their defaults filled in. */
export interface StartSettings extends MavenSettings {
  taskManagers: number;
  slotsPerTaskManager: number;
  /** The `java` executable. */
  java: string;
  javaHome: string | undefined;
  startTimeoutMs: number;
  detached: boolean;
}

/**
 * Checks what can be checked without running anything (counts, config entries, the REST port) and
 * fills in the defaults.
 * @throws {@link FlinkInputError} naming the option and what it accepts.
 */
export function startSettings(options: LocalClusterOptions): StartSettings {
  const taskManagers = checkCount('taskManagers', options.taskManagers ?? 1);
  const slotsPerTaskManager = checkCount('slotsPerTaskManager', options.slotsPerTaskManager ?? 2);
  for (const [key, value] of Object.entries(options.config ?? {})) checkConfigEntry(key, value);
  const maven = mavenSettings(options);
  const java = javaBinary(options.javaHome);
  if (options.restPort !== undefined && (!Number.isInteger(options.restPort) || options.restPort < 0 || options.restPort > 65535)) {
    throw new FlinkInputError(`restPort must be 0 (any free port) or 1-65535, got ${options.restPort}`);
  }
  return {
    ...maven,
    taskManagers,
    slotsPerTaskManager,
    java,
    javaHome: options.javaHome,
    startTimeoutMs: options.startTimeoutMs ?? 180_000,
    detached: options.detached === true,
  };
}

function checkCount(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 64)
    throw new FlinkInputError(`${name} must be an integer from 1 to 64, got ${value}`);
  return value;
}
