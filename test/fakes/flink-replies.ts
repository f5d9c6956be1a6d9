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

const ALL_TASK_STATES = [
  'CREATED',
  'SCHEDULED',
  'DEPLOYING',
  'RUNNING',
  'FINISHED',
  'CANCELING',
  'CANCELED',
  'FAILED',
  'RECONCILING',
  'INITIALIZING',
];

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

/** An nginx-like HTML page, as a proxy or another web server in front of the port would send it. */
export function nginxPage(title: string): string {
  return `<!DOCTYPE html>\n<html>\n<head><title>${title}</title></head>\n<body>\n<center><h1>${title}</h1></center>\n<hr><center>nginx/1.27.2</center>\n</body>\n</html>\n`;
}
