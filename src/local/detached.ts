import { readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { FlinkError } from '../errors/flink-error.js';
import { sleep } from '../internal/sleep.js';
import { defaultCacheDir } from './cache-dir.js';

/**
 * A local cluster started with `detached: true`, as recorded in its state file: its JVMs outlive the
 * process that started them, and any process finds the cluster here (`flink-kit local up`).
 */
export interface DetachedClusterRecord {
  /** REST URL, e.g. `http://127.0.0.1:38123`. */
  url: string;
  /** The exact Flink version running. */
  flinkVersion: string;
  /** Working directory (config, logs, temp files); removed by {@link stopDetachedCluster}. */
  workDir: string;
  /** Directory of JobManager and TaskManager logs. */
  logDir: string;
  /** Checkpoint directory shared by all JVMs. */
  checkpointDir: string;
  /** Default savepoint directory. */
  savepointDir: string;
  /** Number of TaskManagers started. */
  taskManagers: number;
  /** Slots per TaskManager. */
  slotsPerTaskManager: number;
  /** The JVMs: `jobmanager`, `tm-1`, … with their process ids. */
  jvms: { id: string; pid: number }[];
  /** When it was started (ISO 8601). */
  startedAt: string;
}

/** A recorded detached cluster and which of its JVMs still run. */
export interface DetachedClusterStatus extends DetachedClusterRecord {
  /** The state file it was read from. */
  stateFile: string;
  /** Ids of the JVMs that are still alive. */
  alive: string[];
  /** True when the JobManager JVM is alive (the REST endpoint may still be starting). */
  running: boolean;
}

/** Where the record of the detached local cluster is kept. */
export interface DetachedStateOptions {
  /**
   * The state file.
   * @default $FLINK_KIT_LOCAL_STATE, else `<cacheDir>/local-cluster.json`
   */
  stateFile?: string;
  /** The cache directory of the default state file. @default $FLINK_KIT_CACHE or ~/.cache/flink-kit */
  cacheDir?: string;
}

/**
 * The state file of the detached local cluster.
 * @example detachedStateFile(); // '/home/me/.cache/flink-kit/local-cluster.json'
 */
export function detachedStateFile(options: DetachedStateOptions = {}): string {
  return resolve(
    options.stateFile ?? process.env['FLINK_KIT_LOCAL_STATE'] ?? join(options.cacheDir ?? defaultCacheDir(), 'local-cluster.json'),
  );
}

/**
 * The detached local cluster recorded in the state file, with which of its JVMs still run, or
 * `undefined` when none is recorded. Synchronous and cheap: the CLI reads it on every command
 * that has no `--url`.
 * @example
 * ```ts
 * import { findDetachedCluster } from 'flink-kit/local';
 * const local = findDetachedCluster();
 * if (local?.running) console.log(local.url);
 * ```
 */
export function findDetachedCluster(options: DetachedStateOptions = {}): DetachedClusterStatus | undefined {
  const stateFile = detachedStateFile(options);
  let text: string;
  try {
    text = readFileSync(stateFile, 'utf8');
  } catch {
    return undefined;
  }
  let record: DetachedClusterRecord;
  try {
    record = JSON.parse(text) as DetachedClusterRecord;
    if (typeof record.url !== 'string' || !Array.isArray(record.jvms) || typeof record.workDir !== 'string') throw new Error('shape');
  } catch {
    throw new FlinkError(`the local cluster state file ${stateFile} is damaged; delete it (and stop any Flink JVMs by hand)`);
  }
  const alive = record.jvms.filter((j) => isOurJvm(j.pid, record.workDir)).map((j) => j.id);
  return { ...record, stateFile, alive, running: alive.includes('jobmanager') };
}

/**
 * Records a detached cluster in the state file. Used by `startLocalCluster({ detached: true })`.
 * @throws {@link FlinkError} when another detached cluster is recorded and still running.
 * @internal
 */
export async function recordDetachedCluster(record: DetachedClusterRecord, options: DetachedStateOptions = {}): Promise<void> {
  const stateFile = detachedStateFile(options);
  await mkdir(dirname(stateFile), { recursive: true });
  const tmp = `${stateFile}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(record, null, 2)}\n`);
  await rename(tmp, stateFile);
}

/**
 * Refuses to start a second detached cluster while one runs. A record whose JVMs are all gone is
 * cleaned up (its work directory removed) first.
 * @throws {@link FlinkError} naming the running cluster and how to stop it.
 * @internal
 */
export async function checkNoDetachedCluster(options: DetachedStateOptions = {}): Promise<void> {
  const found = findDetachedCluster(options);
  if (!found) return;
  if (found.alive.length > 0) {
    throw new FlinkError(
      `a local Flink ${found.flinkVersion} cluster is already running at ${found.url} (started ${found.startedAt}); stop it first with \`flink-kit local down\` (or stopDetachedCluster())`,
    );
  }
  await stopDetachedCluster(options);
}

/**
 * Forgets the record when it describes the cluster in `workDir` (its own `stop()` ran).
 * @internal
 */
export async function forgetDetachedCluster(workDir: string, options: DetachedStateOptions = {}): Promise<void> {
  const found = findDetachedCluster(options);
  if (found && found.workDir === workDir) await rm(found.stateFile, { force: true });
}

/**
 * Stops the detached local cluster recorded in the state file, from any process: SIGTERM to each of
 * its JVMs (Flink cleans up), SIGKILL after `graceMs`, then removes its work directory and the record.
 * @returns what was stopped, or `undefined` when no cluster was recorded.
 * @example
 * ```ts
 * import { stopDetachedCluster } from 'flink-kit/local';
 * await stopDetachedCluster(); // what `flink-kit local down` does
 * ```
 */
export async function stopDetachedCluster(
  options: DetachedStateOptions & { graceMs?: number } = {},
): Promise<DetachedClusterStatus | undefined> {
  const found = findDetachedCluster(options);
  if (!found) return undefined;
  const pids = found.jvms.filter((j) => found.alive.includes(j.id)).map((j) => j.pid);
  // TaskManagers first, so they do not spend the JobManager's grace period trying to reconnect.
  const order = [...pids].reverse();
  for (const pid of order) signal(pid, 'SIGTERM');
  const deadline = Date.now() + (options.graceMs ?? 15_000);
  while (order.some((pid) => isOurJvm(pid, found.workDir)) && Date.now() < deadline) await sleep(100);
  for (const pid of order) if (isOurJvm(pid, found.workDir)) signal(pid, 'SIGKILL');
  while (order.some((pid) => isOurJvm(pid, found.workDir))) await sleep(50);
  await rm(found.workDir, { recursive: true, force: true });
  await rm(found.stateFile, { force: true });
  return found;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

/**
 * True when `pid` runs and is one of the cluster's JVMs. On Linux the command line is checked for the
 * work directory, so a recycled process id is never mistaken for (or killed as) a Flink JVM.
 */
function isOurJvm(pid: number, workDir: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    // A zombie (exited, not yet reaped by its parent) has an empty command line.
    return cmdline.includes(workDir);
  } catch {
    return process.platform !== 'linux'; // no /proc: trust the pid
  }
}
