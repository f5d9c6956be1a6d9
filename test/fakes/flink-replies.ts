import { TASK_STATES } from '../../src/schemas/jobs.js';

/**
 * Builders for Flink REST reply bodies, shaped like what Flink 1.20.3 sends (wire keys as on the
 * wire: kebab-case, camelCase and all). Tests override only what they are about.
 */

/** A job id as Flink prints it. */
export const JOB_ID = '0123456789abcdef0123456789abcdef';
/** A second, different job id. */
export const OTHER_JOB_ID = 'fedcba9876543210fedcba9876543210';
/** An uploaded jar id: the basename of the server-side path. */
export const JAR_ID = '2f1e6c1a-4b7d-4c39-9d0e-8a5b3c2d1e0f_app.jar';

/** The smallest bytes that pass the SDK's jar check: a zip local-file header and a few more bytes. */
export const ZIP_BYTES = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from('0123456789abcdef')]);

/** `{"errors": [...]}`, Flink's only error body. */
export function flinkErrors(...errors: string[]): { errors: string[] } {
  return { errors };
}

/** What Flink's AbstractHandler sends with a 500: two elements, the second a wrapped Java stack trace. */
export function internalServerError(trace: string): { errors: string[] } {
  return { errors: ['Internal server error.', `<Exception on server side:\n${trace}\nEnd of exception on server side>`] };
}

/** A stack trace of a main() that names a class the jar does not contain. */
export const CLASS_NOT_FOUND_TRACE = [
  'org.apache.flink.client.program.ProgramInvocationException: The program caused an error:',
  '\tat org.apache.flink.client.program.PackagedProgramUtils.generateException(PackagedProgramUtils.java:250)',
  '\tat org.apache.flink.runtime.webmonitor.handlers.JarRunHandler.handleRequest(JarRunHandler.java:110)',
  'Caused by: org.apache.flink.client.program.ProgramInvocationException: Could not load the main class',
  '\tat org.apache.flink.client.program.PackagedProgram.loadMainClass(PackagedProgram.java:481)',
  'Caused by: java.lang.ClassNotFoundException: com.acme.Main',
  '\tat java.base/java.net.URLClassLoader.findClass(URLClassLoader.java:445)',
  '\t... 12 more',
].join('\n');

/** The 400 a 1.x JobManager sends when `jobId` was used before. */
export function duplicateJobErrors(jobId: string): { errors: string[] } {
  return flinkErrors(
    [
      `org.apache.flink.runtime.rest.handler.RestHandlerException: Could not execute application.`,
      '\tat org.apache.flink.runtime.webmonitor.handlers.JarRunHandler.lambda$handleRequest$1(JarRunHandler.java:114)',
      'Caused by: java.util.concurrent.CompletionException: org.apache.flink.util.FlinkRuntimeException: Could not execute application.',
      `Caused by: org.apache.flink.runtime.client.DuplicateJobSubmissionException: Job has already been submitted. (job ${jobId})`,
      '\tat org.apache.flink.runtime.dispatcher.Dispatcher.submitJob(Dispatcher.java:478)',
    ].join('\n'),
  );
}

/** `GET /overview`, as Flink 1.20.3 sends it. */
export function overview(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    taskmanagers: 2,
    'slots-total': 4,
    'slots-available': 4,
    'jobs-running': 0,
    'jobs-finished': 0,
    'jobs-cancelled': 0,
    'jobs-failed': 0,
    'flink-version': '1.20.3',
    'flink-commit': '01e3a6d',
    ...over,
  };
}

/** `GET /config` (dashboard configuration) for a given Flink version. */
export function dashboardConfig(flinkVersion = '1.20.3'): Record<string, unknown> {
  return {
    'refresh-interval': 3000,
    'timezone-name': 'Coordinated Universal Time',
    'timezone-offset': 0,
    'flink-version': flinkVersion,
    'flink-revision': '01e3a6d @ 2025-10-21T10:00:00+02:00',
    features: { 'web-submit': true, 'web-cancel': false, 'web-rescale': false, 'web-history': false },
  };
}

/** `GET /taskmanagers` with `count` TaskManagers of `slots` slots each, `free` of them free. */
export function taskManagers(count: number, slots: number, free = slots): { taskmanagers: Record<string, unknown>[] } {
  const resource = (n: number) => ({
    cpuCores: n,
    taskHeapMemory: 383 * n,
    taskOffHeapMemory: 0,
    managedMemory: 512 * n,
    networkMemory: 128 * n,
  });
  return {
    taskmanagers: Array.from({ length: count }, (_, i) => ({
      id: `127.0.0.1:4${i}123-0a1b2${i}`,
      path: `pekko.tcp://flink@127.0.0.1:4${i}123/user/rpc/taskmanager_0`,
      dataPort: 40_000 + i,
      jmxPort: -1,
      timeSinceLastHeartbeat: 1_795_248_729_039,
      slotsNumber: slots,
      freeSlots: free,
      totalResource: resource(slots),
      freeResource: resource(free),
      hardware: { cpuCores: 2, physicalMemory: 8_000_000_000, freeMemory: 500_000_000, managedMemory: 512_000_000 },
      memoryConfiguration: {},
      blocked: false,
    })),
  };
}

const ALL_TASK_STATES: readonly string[] = TASK_STATES;

/** Per-state task counts with every ExecutionState present, as Flink writes them. */
function taskCounts(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(ALL_TASK_STATES.map((s) => [s, counts[s] ?? 0]));
}

/**
 * One element of `vertices[]` in `GET /jobs/:id`. `status` is Flink's aggregate of the subtasks:
 * RUNNING as soon as one subtask runs, even while others still wait for a slot; `tasks` says how
 * many subtasks are in each state (default: all `parallelism` of them in `status`).
 */
export function vertex(
  name: string,
  status: string,
  options: { parallelism?: number; tasks?: Record<string, number> } = {},
): Record<string, unknown> {
  const parallelism = options.parallelism ?? 1;
  return {
    id: `cbc357ccb763df2852fee8c4fc7d55f${name.length % 10}`,
    slotSharingGroupId: '8c13bd0aa8e55dfbbc8e1a2d6ba5e3f1',
    name,
    maxParallelism: 128,
    parallelism,
    status,
    'start-time': status === 'RUNNING' ? 1_795_248_729_039 : -1,
    'end-time': -1,
    duration: status === 'RUNNING' ? 7911 : -1,
    tasks: taskCounts(options.tasks ?? { [status]: parallelism }),
    metrics: {
      'read-bytes': 0,
      'read-bytes-complete': true,
      'write-bytes': 0,
      'write-bytes-complete': true,
      'read-records': 0,
      'read-records-complete': true,
      'write-records': 0,
      'write-records-complete': true,
      'accumulated-backpressured-time': 0,
      'accumulated-idle-time': 0,
      'accumulated-busy-time': 'NaN',
    },
  };
}

/**
 * `GET /jobs/:id`: a job in `state` with one vertex per element of `vertices`, each either a task
 * state (a vertex of parallelism 1 in that state) or a vertex built with {@link vertex}.
 */
export function jobDetails(
  state: string,
  vertices: ReadonlyArray<string | Record<string, unknown>> = ['RUNNING'],
  jobId = JOB_ID,
): Record<string, unknown> {
  const built = vertices.map((v, i) => (typeof v === 'string' ? vertex(i === 0 ? 'Source: numbers' : `Map -> Sink: print ${i}`, v) : v));
  const statusCounts: Record<string, number> = {};
  for (const v of built) statusCounts[v['status'] as string] = (statusCounts[v['status'] as string] ?? 0) + 1;
  const ended = state === 'FAILED' || state === 'CANCELED' || state === 'FINISHED';
  return {
    jid: jobId,
    name: 'Streaming WordCount',
    isStoppable: false,
    state,
    'job-type': 'STREAMING',
    'start-time': 1_795_248_721_128,
    'end-time': ended ? 1_795_248_737_039 : -1,
    duration: 7911,
    maxParallelism: -1,
    now: 1_795_248_729_039,
    timestamps: { INITIALIZING: 1_795_248_721_128, CREATED: 1_795_248_721_200, RUNNING: 1_795_248_721_300, FAILED: 0, FINISHED: 0 },
    vertices: built,
    'status-counts': taskCounts(statusCounts),
    plan: { jid: jobId, name: 'Streaming WordCount', type: 'STREAMING', nodes: [] },
  };
}

/** A job failure trace whose innermost cause is `/ by zero`. */
export const DIVIDE_BY_ZERO_TRACE = [
  'org.apache.flink.runtime.JobException: Recovery is suppressed by NoRestartBackoffTimeStrategy',
  '\tat org.apache.flink.runtime.executiongraph.failover.ExecutionFailureHandler.handleFailure(ExecutionFailureHandler.java:219)',
  'Caused by: java.lang.ArithmeticException: / by zero',
  '\tat com.acme.Job$1.map(Job.java:42)',
].join('\n');

/** `GET /jobs/:id/exceptions` (1.20 shape: old fields and `exceptionHistory`). */
export function jobExceptions(stacktrace = DIVIDE_BY_ZERO_TRACE): Record<string, unknown> {
  return {
    'root-exception': 'java.lang.IllegalStateException: the old root-exception field, not the history',
    timestamp: 1_795_248_737_039,
    'all-exceptions': [],
    truncated: false,
    exceptionHistory: {
      entries: [
        {
          exceptionName: 'org.apache.flink.runtime.JobException',
          stacktrace,
          timestamp: 1_795_248_737_039,
          taskName: 'Map -> Sink: print (1/1)#0',
          endpoint: '127.0.0.1:40000',
          taskManagerId: '127.0.0.1:40123-0a1b20',
          failureLabels: {},
          concurrentExceptions: [],
        },
      ],
      truncated: false,
    },
  };
}

/** `POST /jars/upload` for a file called `name`. */
export function jarUploadReply(id = JAR_ID): { filename: string; status: string } {
  return { filename: `/tmp/flink-web-7a6c3f1e-3b1f-4f8e-9a61-0c9d3f2b1a7e/flink-web-upload/${id}`, status: 'success' };
}

/** `GET /jars`: each jar id with the entry classes its manifest names (none: no Main-Class). */
export function jarListReply(jars: Record<string, readonly string[]>): Record<string, unknown> {
  return {
    address: 'http://127.0.0.1:8081',
    files: Object.entries(jars).map(([id, entry]) => ({
      id,
      name: id.replace(/^[^_]*_/, ''),
      uploaded: 1_795_248_721_128,
      entry: entry.map((name) => ({ name, description: null })),
    })),
  };
}

/** An nginx-like HTML page, as a proxy or another web server in front of the port would send it. */
export function nginxPage(title: string): string {
  return `<!DOCTYPE html>\n<html>\n<head><title>${title}</title></head>\n<body>\n<center><h1>${title}</h1></center>\n<hr><center>nginx/1.27.2</center>\n</body>\n</html>\n`;
}

// ---------------------------------------------------------------------------------------------
// Async operations (savepoint, stop, checkpoint, disposal) and checkpoint statistics.
// ---------------------------------------------------------------------------------------------

/** A trigger id as the SDK or a test chooses it. */
export const TRIGGER_ID = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
/** A savepoint location as Flink 1.20.3 reports it (`file:` with one slash). */
export const SAVEPOINT_PATH = 'file:/tmp/x/savepoints/savepoint-00bd84-8f43bbecc21b';

/** `{"request-id": …}`: what every trigger answers (202; 200 for a disposal). */
export function triggerReply(triggerId = TRIGGER_ID): { 'request-id': string } {
  return { 'request-id': triggerId };
}

/** An async operation still running: `operation` is null. */
export function operationInProgress(): Record<string, unknown> {
  return { status: { id: 'IN_PROGRESS' }, operation: null };
}

/** A finished savepoint or stop-with-savepoint. */
export function savepointCompleted(location = SAVEPOINT_PATH): Record<string, unknown> {
  return { status: { id: 'COMPLETED' }, operation: { location } };
}

/** A finished checkpoint trigger (1.17+). */
export function checkpointTriggerCompleted(checkpointId: number): Record<string, unknown> {
  return { status: { id: 'COMPLETED' }, operation: { checkpointId } };
}

/** A finished disposal: an empty operation, no failure field. */
export function disposalCompleted(): Record<string, unknown> {
  return { status: { id: 'COMPLETED' }, operation: {} };
}

/**
 * A COMPLETED operation that failed: `failure-cause` (savepoint, stop, disposal) or `failureCause`
 * (checkpoint), a SerializedThrowable with `class`, `stack-trace` and the Java-serialised bytes.
 */
export function operationFailed(stackTrace: string, key: 'failure-cause' | 'failureCause' = 'failure-cause'): Record<string, unknown> {
  const cls = /^([\w.$]+)/.exec(stackTrace)?.[1] ?? 'java.lang.Exception';
  return {
    status: { id: 'COMPLETED' },
    operation: { [key]: { class: cls, 'stack-trace': stackTrace, 'serialized-throwable': 'rO0ABXNyACtvcmcuYXBhY2hl' } },
  };
}

/** A savepoint into a directory that cannot be created (Flink 1.20.3, target-directory file:///proc/nope). */
export const MKDIRS_TRACE = [
  'java.util.concurrent.CompletionException: org.apache.flink.runtime.checkpoint.CheckpointException: An Exception occurred while triggering the checkpoint. IO-problem detected.',
  '\tat java.base/java.util.concurrent.CompletableFuture.encodeThrowable(CompletableFuture.java:332)',
  '\tat java.base/java.util.concurrent.CompletableFuture.completeThrowable(CompletableFuture.java:347)',
  'Caused by: org.apache.flink.runtime.checkpoint.CheckpointException: An Exception occurred while triggering the checkpoint. IO-problem detected.',
  '\tat org.apache.flink.runtime.checkpoint.CheckpointCoordinator.triggerCheckpointFromCheckpointThread(CheckpointCoordinator.java:684)',
  'Caused by: java.io.IOException: Mkdirs failed to create /proc/nope',
  '\tat org.apache.flink.core.fs.local.LocalFileSystem.mkdirs(LocalFileSystem.java:262)',
  '\t... 18 more',
].join('\n');

/** A savepoint without target directory on a cluster without a default one. */
export const NO_SAVEPOINT_DIR_TRACE = [
  "java.util.concurrent.CompletionException: java.lang.IllegalStateException: No savepoint directory configured. You can either specify a directory while cancelling via -s :targetDirectory or configure a cluster-wide default via key 'execution.checkpointing.savepoint-dir'.",
  '\tat java.base/java.util.concurrent.CompletableFuture.encodeThrowable(CompletableFuture.java:315)',
  "Caused by: java.lang.IllegalStateException: No savepoint directory configured. You can either specify a directory while cancelling via -s :targetDirectory or configure a cluster-wide default via key 'execution.checkpointing.savepoint-dir'.",
  '\tat org.apache.flink.runtime.scheduler.SchedulerBase.triggerSavepoint(SchedulerBase.java:1001)',
].join('\n');

/** What a savepoint of a job that already ended fails with: the trigger was accepted, the job is gone. */
export function jobNotFoundTrace(jobId: string): string {
  return [
    `java.util.concurrent.CompletionException: org.apache.flink.runtime.messages.FlinkJobNotFoundException: Could not find Flink job (${jobId})`,
    '\tat java.base/java.util.concurrent.CompletableFuture.encodeThrowable(CompletableFuture.java:315)',
    `Caused by: org.apache.flink.runtime.messages.FlinkJobNotFoundException: Could not find Flink job (${jobId})`,
    '\tat org.apache.flink.runtime.dispatcher.Dispatcher.getJobMasterGateway(Dispatcher.java:1460)',
  ].join('\n');
}

/** FLINK-33522: stop-with-savepoint wrote the savepoint, then the job failed while stopping. */
export function stopFailedAfterSavepointTrace(jobId: string, location: string): string {
  return [
    `java.util.concurrent.CompletionException: org.apache.flink.runtime.scheduler.stopwithsavepoint.StopWithSavepointStoppingException: A savepoint has been created at: ${location}, but the corresponding job ${jobId} failed during stopping. The savepoint is consistent, but might have uncommitted transactions. If you want to commit the transaction please restart a job from this savepoint.`,
    '\tat java.base/java.util.concurrent.CompletableFuture.encodeThrowable(CompletableFuture.java:315)',
    `Caused by: org.apache.flink.runtime.scheduler.stopwithsavepoint.StopWithSavepointStoppingException: A savepoint has been created at: ${location}, but the corresponding job ${jobId} failed during stopping. The savepoint is consistent, but might have uncommitted transactions. If you want to commit the transaction please restart a job from this savepoint.`,
    '\tat org.apache.flink.runtime.scheduler.stopwithsavepoint.StopWithSavepointTerminationHandlerImpl.terminateExceptionallyWithGlobalFailover(StopWithSavepointTerminationHandlerImpl.java:218)',
  ].join('\n');
}

/** The 404 for a trigger id the JobManager does not know (expired, failed over, or never used). */
export function unknownTriggerErrors(triggerId: string, jobId: string): { errors: string[] } {
  return flinkErrors(
    [
      `org.apache.flink.runtime.rest.handler.RestHandlerException: There is no savepoint operation with triggerId=${triggerId} for job ${jobId}.`,
      '\tat org.apache.flink.runtime.rest.handler.job.savepoints.SavepointHandlers$SavepointStatusHandler.handleRequest(SavepointHandlers.java:216)',
    ].join('\n'),
  );
}

/** Base timestamp of the fake checkpoints (epoch ms). */
const CHECKPOINT_T0 = 1_795_250_480_000;

/**
 * One checkpoint as `history[]` and `latest` hold it (also the reply of `…/checkpoints/details/:id`):
 * `completed`, `failed` or `in_progress` shape, a checkpoint unless `savepoint` is set.
 */
export function checkpointEntry(
  id: number,
  status: 'COMPLETED' | 'FAILED' | 'IN_PROGRESS' = 'COMPLETED',
  options: { savepoint?: boolean; jobId?: string; failureMessage?: string; externalPath?: string } = {},
): Record<string, unknown> {
  const savepoint = options.savepoint ?? false;
  const trigger = CHECKPOINT_T0 + id * 1000;
  const entry: Record<string, unknown> = {
    className: status === 'IN_PROGRESS' ? 'in_progress' : status.toLowerCase(),
    id,
    status,
    is_savepoint: savepoint,
    savepointFormat: savepoint ? 'CANONICAL' : null,
    trigger_timestamp: trigger,
    latest_ack_timestamp: status === 'IN_PROGRESS' ? -1 : trigger + 34,
    checkpointed_size: 2967,
    state_size: 2967,
    end_to_end_duration: status === 'IN_PROGRESS' ? 0 : 34,
    alignment_buffered: 0,
    processed_data: 0,
    persisted_data: 0,
    num_subtasks: 4,
    num_acknowledged_subtasks: status === 'COMPLETED' ? 4 : 1,
    checkpoint_type: savepoint ? 'SAVEPOINT' : 'CHECKPOINT',
    tasks: {},
  };
  if (status === 'COMPLETED') {
    entry['external_path'] =
      options.externalPath ??
      (savepoint ? `file:/tmp/x/savepoints/savepoint-00bd84-${id}` : `file:/tmp/x/checkpoints/${options.jobId ?? JOB_ID}/chk-${id}`);
    entry['discarded'] = false;
  }
  if (status === 'FAILED') {
    entry['failure_timestamp'] = trigger + 500;
    entry['failure_message'] = options.failureMessage ?? 'Checkpoint expired before completing.';
  }
  return entry;
}

/** `latest.restored` of a job started from a savepoint or retained checkpoint. */
export function restoredEntry(
  id: number,
  externalPath = SAVEPOINT_PATH,
  restoreTimestamp = CHECKPOINT_T0 + 19_000,
): Record<string, unknown> {
  return { id, restore_timestamp: restoreTimestamp, is_savepoint: true, external_path: externalPath };
}

/**
 * `GET /jobs/:id/checkpoints` for a history (newest first, as Flink sends it). Counts and `latest`
 * are derived from the history unless given (`total` as if one JobManager triggered checkpoints 1
 * to the newest); `restored` is `latest.restored`.
 */
export function checkpointStats(
  history: ReadonlyArray<Record<string, unknown>> = [],
  options: {
    counts?: Partial<Record<'restored' | 'total' | 'in_progress' | 'completed' | 'failed', number>>;
    restored?: Record<string, unknown> | null;
  } = {},
): Record<string, unknown> {
  const count = (status: string) => history.filter((c) => c['status'] === status).length;
  const newest = (pick: (c: Record<string, unknown>) => boolean) => history.find(pick) ?? null;
  const restored = options.restored ?? null;
  const summaryStats = { min: 0, max: 0, avg: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0 };
  return {
    counts: {
      restored: restored ? 1 : 0,
      // Flink counts every checkpoint its JobManager triggered; the history keeps the last 10.
      total: Math.max(history.length, ...history.map((c) => c['id'] as number)),
      in_progress: count('IN_PROGRESS'),
      completed: count('COMPLETED'),
      failed: count('FAILED'),
      ...options.counts,
    },
    summary: {
      checkpointed_size: summaryStats,
      state_size: summaryStats,
      end_to_end_duration: summaryStats,
      alignment_buffered: summaryStats,
      processed_data: summaryStats,
      persisted_data: summaryStats,
    },
    latest: {
      completed: newest((c) => c['status'] === 'COMPLETED' && c['is_savepoint'] === false),
      savepoint: newest((c) => c['status'] === 'COMPLETED' && c['is_savepoint'] === true),
      failed: newest((c) => c['status'] === 'FAILED'),
      restored,
    },
    history,
  };
}

/** `GET /jobs/:id/checkpoints/config` of a job checkpointing every 2 s to the filesystem. */
export function checkpointConfigReply(): Record<string, unknown> {
  return {
    mode: 'exactly_once',
    interval: 2000,
    timeout: 600_000,
    min_pause: 0,
    max_concurrent: 1,
    externalization: { enabled: true, delete_on_cancellation: false },
    state_backend: 'HashMapStateBackend',
    checkpoint_storage: 'FileSystemCheckpointStorage',
    unaligned_checkpoints: false,
    tolerable_failed_checkpoints: 0,
    aligned_checkpoint_timeout: 0,
    checkpoints_after_tasks_finish: true,
    state_changelog_enabled: false,
    changelog_periodic_materialization_interval: 600_000,
    changelog_storage: 'memory',
  };
}

/** What `GET /jobs/:id/status` of Flink 1.18–1.20 answers for an unknown job: a 500, not the 404 of the other job routes. */
export function jobStatusNotFoundErrors(jobId: string): { errors: string[] } {
  return internalServerError(
    [
      `org.apache.flink.runtime.messages.FlinkJobNotFoundException: Could not find Flink job (${jobId})`,
      '\tat org.apache.flink.runtime.dispatcher.Dispatcher.lambda$requestJobStatus$29(Dispatcher.java:1214)',
    ].join('\n'),
  );
}

/**
 * `GET /jobs/overview` listing the given jobs, each built from a {@link jobDetails} reply: the same
 * state, and the task counts of its vertices summed under Flink's lower-case keys plus `total`.
 */
export function jobsOverviewReply(...jobs: ReadonlyArray<Record<string, unknown>>): { jobs: Record<string, unknown>[] } {
  return {
    jobs: jobs.map((details) => {
      const tasks: Record<string, number> = Object.fromEntries([...ALL_TASK_STATES.map((s) => [s.toLowerCase(), 0]), ['total', 0]]);
      for (const v of details['vertices'] as Array<{ parallelism: number; tasks: Record<string, number> }>) {
        tasks['total'] = (tasks['total'] ?? 0) + v.parallelism;
        for (const [state, n] of Object.entries(v.tasks)) tasks[state.toLowerCase()] = (tasks[state.toLowerCase()] ?? 0) + n;
      }
      return {
        jid: details['jid'],
        name: details['name'],
        state: details['state'],
        'start-time': details['start-time'],
        'end-time': details['end-time'],
        duration: details['duration'],
        'last-modification': details['now'],
        tasks,
      };
    }),
  };
}
