import { type FlinkProcess, type JvmSetup, releaseJvm, startJvm, stopJvm } from './processes.js';

const JOB_MANAGER_MAIN = 'org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint';
const TASK_MANAGER_MAIN = 'org.apache.flink.runtime.taskexecutor.TaskManagerRunner';

/** How to start the JobManager and TaskManager JVMs: the shared setup and each one's memory flags. */
export interface JvmLaunch {
  setup: JvmSetup;
  jobManager: { jvm: string[]; dynamic: string[] };
  taskManager: { jvm: string[]; dynamic: string[] };
}

/**
 * The JVMs of one local cluster: JobManagers and TaskManagers in start order (a restarted
 * JobManager is appended), and the ZooKeeper of a highly available one.
 */
export class ClusterJvms {
  readonly processes: FlinkProcess[] = [];
  zooKeeper: FlinkProcess | undefined;
  private launch: JvmLaunch | undefined;
  private nextTaskManager = 1;

  /** Sets how JobManagers and TaskManagers start; before the first start. */
  launchWith(launch: JvmLaunch): void {
    this.launch = launch;
  }

  /** Starts a JobManager JVM (not waiting for it). */
  startJobManager(): FlinkProcess {
    const { setup, jobManager } = this.launched();
    const started = startJvm(setup, 'jobmanager', JOB_MANAGER_MAIN, jobManager);
    this.processes.push(started);
    return started;
  }

  /** Starts a TaskManager JVM (not waiting for it) and returns its id, `tm-<n>`, also its Flink resource id. */
  startTaskManager(): string {
    const { setup, taskManager } = this.launched();
    const id = `tm-${this.nextTaskManager++}`;
    this.processes.push(startJvm(setup, id, TASK_MANAGER_MAIN, taskManager, ['-D', `taskmanager.resource-id=${id}`]));
    return id;
  }

  /** The JobManager JVM that is alive, if any. */
  liveJobManager(): FlinkProcess | undefined {
    return this.processes.find((p) => p.id === 'jobmanager' && alive(p));
  }

  /** Ids of the TaskManagers that are alive. */
  liveTaskManagerIds(): string[] {
    return this.processes.filter((p) => p.id !== 'jobmanager' && alive(p)).map((p) => p.id);
  }

  /** A JVM by id (`tm-1`, …), dead or alive. */
  byId(id: string): FlinkProcess | undefined {
    return this.processes.find((p) => p.id === id);
  }

  /**
   * The live JVMs, ZooKeeper first (so that a detached cluster's stop stops it last), released so
   * that they outlive this process.
   */
  release(): FlinkProcess[] {
    const live = [...(this.zooKeeper ? [this.zooKeeper] : []), ...this.processes.filter(alive)];
    live.forEach(releaseJvm);
    return live;
  }

  /** Stops every JVM; ZooKeeper last, since the JobManager talks to it while it shuts down. */
  async stopAll(): Promise<void> {
    await Promise.all(this.processes.map((p) => stopJvm(p)));
    if (this.zooKeeper) await stopJvm(this.zooKeeper);
  }

  private launched(): JvmLaunch {
    if (!this.launch) throw new Error('ClusterJvms: launchWith() was not called');
    return this.launch;
  }
}

function alive(p: FlinkProcess): boolean {
  return p.child.exitCode === null && p.child.signalCode === null;
}
