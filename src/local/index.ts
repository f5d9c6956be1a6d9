/**
 * A real Flink session cluster on 127.0.0.1, assembled from Maven Central (or an unpacked Flink):
 * one JobManager JVM and N TaskManager JVMs, for tests, examples and local development.
 * @packageDocumentation
 */
// First: on Node.js < 22.19 fail with one clear line before undici loads (and dies obscurely).
import '../internal/node-check.js';

export type { LocalCluster } from './cluster-handle.js';
export {
  type DetachedClusterRecord,
  type DetachedClusterStatus,
  type DetachedStateOptions,
  detachedStateFile,
  findDetachedCluster,
  stopDetachedCluster,
} from './detached.js';
export { exampleJar } from './example-jar.js';
export type { LocalClusterOptions } from './options.js';
export { startLocalCluster } from './start.js';
export {
  type CounterCheck,
  type CounterCheckOptions,
  type CounterRecord,
  checkCounterOutput,
  parseCounterOutput,
} from './test-job-output.js';
export { type BuildTestJobOptions, buildTestJob, TEST_JOBS, type TestJobName } from './test-jobs.js';
export type { LocalTls } from './tls.js';
