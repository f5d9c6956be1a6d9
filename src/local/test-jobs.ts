import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FlinkError, FlinkInputError } from '../errors/flink-error.js';
import { tail } from './file-tail.js';
import { resolveFlinkLib } from './flink-lib.js';
import { parseVersionRequest } from './flink-versions.js';
import { fetchFlinkJar } from './maven-jars.js';
import { type MavenSettings, mavenSettings } from './maven-settings.js';
import { checkMaven, jdkTool, runTool } from './tools.js';

/**
 * flink-kit's own test jobs and their entry classes. The Java sources ship in the package
 * (`test-jobs/`) and compile against every Flink version from 1.18 to 2.3:
 *
 * - `word-count`: bounded; a parallel source over a built-in text of 54 words, prints `(word,count)`
 *   lines (`the` ends at 9, `count` at 4, times `--repeat N`). Also `--execution-mode BATCH`.
 * - `keyed-counter`: runs until stopped; a checkpointed, rate-limited sequence keyed by `seq % keys`,
 *   one keyed-state count per key, stable operator uids. Prints `<tag> key=<k> count=<c> seq=<n>`
 *   per record; {@link checkCounterOutput} proves from these lines that a restore neither reset nor
 *   double-counted. Args `--keys 8`, `--rate 20` (records/s), `--tag counter`, `--checkpoint-interval 1000`.
 * - `fail-after`: the keyed counter (same uids), throwing `flinkkit.testjobs.ExpectedFailure` once a
 *   subtask processed `--records N` (default 20) records; `--restarts 0` (default) means no restart,
 *   `--restarts R` a fixed-delay restart loop (1 s apart, R attempts).
 * - `slow-sink`: backpressure by design: a fast source (`--rate 5000`) behind a keyBy feeds
 *   `slow sink`, which sleeps `--sleep-ms 20` per record; the source is backpressured, the sink busy.
 * - `slow-checkpoint`: every snapshot sleeps `--snapshot-ms 3000`, longer than the checkpoint timeout
 *   (`--checkpoint-timeout 1000`): each checkpoint expires, the job keeps running (failures tolerated).
 * - `event-time`: event times trail the wall clock by `--lag-ms`, bounded out-of-orderness 1 s,
 *   per-key counts per event-time second with timers; the source reports `pendingRecords`
 *   (`--backlog N` minus what each reader emitted).
 * - `pipeline`: exactly `--vertices N` vertices (a source, then N - 1 chains), `--rate 10`.
 */
export const TEST_JOBS = {
  'word-count': 'flinkkit.testjobs.WordCount',
  'keyed-counter': 'flinkkit.testjobs.KeyedCounter',
  'fail-after': 'flinkkit.testjobs.FailAfter',
  'slow-sink': 'flinkkit.testjobs.SlowSink',
  'slow-checkpoint': 'flinkkit.testjobs.SlowCheckpoint',
  'event-time': 'flinkkit.testjobs.EventTime',
  pipeline: 'flinkkit.testjobs.Pipeline',
} as const;

/** Name of one of flink-kit's test jobs (see {@link TEST_JOBS}). */
export type TestJobName = keyof typeof TEST_JOBS;

/** Options of {@link buildTestJob}. */
export interface BuildTestJobOptions {
  /** The Flink version to compile against: a full version (`1.20.3`) or a line (`1.20`). Use the cluster's. */
  flinkVersion: string;
  /** Cache for assembled Flink versions and built jars. @default $FLINK_KIT_CACHE or ~/.cache/flink-kit */
  cacheDir?: string;
  /** Maven repository to fetch Flink from. @default Maven Central */
  mavenRepository?: string;
  /** Maven executable. @default 'mvn' */
  mvn?: string;
  /** JDK whose `javac` and `jar` build the job. @default $JAVA_HOME or the tools on PATH */
  javaHome?: string;
  /** Progress messages. @default silent */
  log?: (line: string) => void;
}

/**
 * Builds one of flink-kit's own test jobs for a Flink version and returns the jar's path. The jar
 * names its entry class in the manifest and bundles `flink-connector-datagen` (which Flink 1.18's
 * distribution lacks), so it runs on any cluster of that Flink line. The first build compiles with
 * the JDK's `javac` against that version's jars from Maven (assembled once, as for
 * `startLocalCluster`); later calls hit the cache, keyed by the sources and the version.
 * A running local cluster has the same as `cluster.testJobJar(name)`.
 * @throws `FlinkInputError` for an unknown job name or version.
 * @throws `FlinkError` when no JDK (javac, jar) or Maven is found, naming the fix.
 * @example
 * ```ts
 * import { buildTestJob } from 'flink-kit/local';
 * const { flinkVersion } = await flink.cluster.overview();
 * const jar = await buildTestJob('keyed-counter', { flinkVersion });
 * await flink.submit({ jar, parallelism: 2, args: ['--tag', 'smoke'], until: 'RUNNING' });
 * ```
 */
export async function buildTestJob(name: TestJobName, options: BuildTestJobOptions): Promise<string> {
  checkTestJobName(name);
  const maven = mavenSettings(options);
  const request = parseVersionRequest(options.flinkVersion);
  await checkMaven(maven.mvn);
  const { version, lib } = await resolveFlinkLib(request, maven);
  const dir = await buildTestJobs({ ...maven, version, classpath: [join(lib, '*')], javaHome: options.javaHome });
  return join(dir, `${name}.jar`);
}

/** @throws {@link FlinkInputError} unless `name` is one of {@link TEST_JOBS}. */
export function checkTestJobName(name: string): asserts name is TestJobName {
  if (!Object.hasOwn(TEST_JOBS, name))
    throw new FlinkInputError(`no test job ${JSON.stringify(name)}; flink-kit builds ${Object.keys(TEST_JOBS).join(', ')}`);
}

/** What compiling the test jobs needs: the Flink version and a classpath holding its jars. */
export interface TestJobBuild extends MavenSettings {
  version: string;
  /** Compile classpath entries (`<lib>/*` globs allowed). */
  classpath: string[];
  javaHome?: string | undefined;
}

/** Bumped when the way jars are built changes, so cached jars of an older build are not reused. */
const BUILD_FORMAT = 'test-jobs/1 --release 11';
const SOURCES = fileURLToPath(new URL('../../test-jobs/', import.meta.url));
const builds = new Map<string, Promise<string>>();

/**
 * Builds every test job for one Flink version into one cached folder (`<name>.jar` each) and returns
 * it. Concurrent calls in this process share the build; other processes build into a scratch folder
 * and the first to finish wins.
 */
export function buildTestJobs(build: TestJobBuild): Promise<string> {
  const key = JSON.stringify([build.version, build.classpath, build.cacheDir, build.javaHome]);
  let dir = builds.get(key);
  if (!dir) {
    dir = compile(build);
    dir.catch(() => builds.delete(key));
    builds.set(key, dir);
  }
  return dir;
}

async function compile(build: TestJobBuild): Promise<string> {
  const sources = await javaSources(SOURCES);
  const hash = createHash('sha256').update(BUILD_FORMAT).update(`\0${build.version}`);
  for (const file of sources) hash.update(`\0${relative(SOURCES, file)}\0`).update(await readFile(file));
  const dir = join(build.cacheDir, 'test-jobs', `${build.version}-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(join(dir, '.complete'))) return dir;

  const javac = jdkTool('javac', build.javaHome);
  const jar = jdkTool('jar', build.javaHome);
  await checkJdk(javac);
  const datagen = await fetchFlinkJar('flink-connector-datagen', build.version, build);
  build.log(`building flink-kit test jobs for Flink ${build.version} (cached in ${dir})`);
  const scratch = `${dir}.tmp-${process.pid}-${Date.now()}`;
  const classes = join(scratch, 'classes');
  await mkdir(classes, { recursive: true });
  try {
    // --release 11: the jars also run on clusters whose JVM is Java 11.
    const compiled = await runTool(javac, [
      '--release',
      '11',
      '-encoding',
      'UTF-8',
      '-nowarn',
      '-d',
      classes,
      '-cp',
      [...build.classpath, datagen].join(':'),
      ...sources,
    ]);
    if (compiled.code !== 0) {
      throw new FlinkError(
        `javac could not compile flink-kit's test jobs against Flink ${build.version}; this is a flink-kit bug, please report it with the details.`,
        { details: tail(compiled.output, 60) },
      );
    }
    // Bundle the datagen connector: Flink loads org.apache.flink classes parent-first, so a
    // cluster that has it (1.19+) uses its own copy and 1.18 uses this one.
    await jarTool(jar, ['--extract', '--file', datagen], classes);
    await rm(join(classes, 'META-INF', 'MANIFEST.MF'), { force: true });
    for (const [name, entryClass] of Object.entries(TEST_JOBS)) {
      await jarTool(jar, ['--create', '--file', join(scratch, `${name}.jar`), '--main-class', entryClass, '-C', classes, '.'], scratch);
    }
    await rm(classes, { recursive: true, force: true });
    await writeFile(join(scratch, '.complete'), `${new Date().toISOString()}\n`);
    await rename(scratch, dir).catch((error: unknown) => {
      if (!existsSync(join(dir, '.complete'))) throw error; // another process finished first: use its jars
    });
    return dir;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function javaSources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => {
    throw new FlinkError(`flink-kit's test job sources are missing (${dir}); reinstall flink-kit`);
  });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.java'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

async function checkJdk(javac: string): Promise<void> {
  const ok = await runTool(javac, ['-version'], { timeoutMs: 60_000 }).then(
    (r) => r.code === 0,
    () => false,
  );
  if (!ok)
    throw new FlinkError(
      `javac was not found (tried ${javac}). Building flink-kit's test jobs needs a JDK 11+ (javac and jar), not only a Java runtime: install one (e.g. apt-get install openjdk-17-jdk-headless) or set JAVA_HOME / javaHome.`,
    );
}

async function jarTool(jar: string, args: string[], cwd: string): Promise<void> {
  const result = await runTool(jar, args, { cwd });
  if (result.code !== 0)
    throw new FlinkError(`${jar} ${args[0]} failed while packaging flink-kit's test jobs`, { details: tail(result.output, 30) });
}
