/**
 * Single jars of org.apache.flink (example jobs, connectors), downloaded on first use, checked
 * against their published SHA-1, and cached; through Maven when a direct download fails.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rmdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fetch } from 'undici';
import { FlinkError, FlinkInputError } from '../errors/flink-error.js';
import { publishedVersions } from './flink-versions.js';
import type { MavenSettings } from './maven-settings.js';
import { runTool } from './tools.js';

/**
 * Local path of a `flink-examples-streaming` classifier jar (`WordCount`, `TopSpeedWindowing`, …),
 * downloaded on first use. Prefers the cluster's exact version; Maven Central lacks some
 * (e.g. no 1.20.3 examples), so it falls back to the newest of the same minor line; examples run
 * across patch releases of a line, not across lines.
 */
export async function fetchExampleJar(name: string, flinkVersion: string, options: MavenSettings): Promise<string> {
  if (!/^[A-Za-z][\w-]*$/.test(name))
    throw new FlinkInputError(`example name ${JSON.stringify(name)} is not a classifier such as WordCount or TopSpeedWindowing`);
  const published = await publishedVersions('flink-examples-streaming', options.repository).catch(() => [] as string[]);
  const line = flinkVersion.split('.').slice(0, 2).join('.');
  // Only the same minor line: examples of another line call APIs this one lacks (1.19's
  // TopSpeedWindowing fails on 1.18 with NoSuchMethodError).
  const candidates = [flinkVersion, ...published.filter((v) => v !== flinkVersion && v.startsWith(`${line}.`))];
  const tried: string[] = [];
  for (const version of candidates) {
    const target = join(options.cacheDir, 'examples', version, `${name}.jar`);
    if (await fetchArtifact({ artifactId: 'flink-examples-streaming', version, classifier: name }, target, options)) {
      if (version !== flinkVersion) options.log(`example ${name} ${flinkVersion} is not on Maven Central; using ${version}`);
      return target;
    }
    tried.push(version);
  }
  throw new FlinkError(
    `example jar ${name} for Flink ${line} is not available from ${options.repository} (tried flink-examples-streaming ${tried.join(', ')}). ` +
      "Known classifiers: WordCount, TopSpeedWindowing, SocketWindowWordCount, WindowJoin; for jobs on every version, use flink-kit's own test jobs (buildTestJob, testJobJar).",
  );
}

/**
 * Local path of one `org.apache.flink` jar of exactly this version (e.g. `flink-connector-datagen`),
 * downloaded on first use into `<cacheDir>/jars/`.
 * @throws {@link FlinkError} when the repository does not have it.
 */
export async function fetchFlinkJar(artifactId: string, version: string, options: MavenSettings): Promise<string> {
  const target = join(options.cacheDir, 'jars', `${artifactId}-${version}.jar`);
  if (await fetchArtifact({ artifactId, version }, target, options)) return target;
  throw new FlinkError(
    `org.apache.flink:${artifactId}:${version} is not available from ${options.repository}; check network access to Maven Central (or a mirror in ~/.m2/settings.xml).`,
  );
}

interface Artifact {
  artifactId: string;
  version: string;
  classifier?: string;
}

/** Puts an org.apache.flink artifact at `target` (cached): a direct download, else Maven. False when missing. */
async function fetchArtifact(artifact: Artifact, target: string, options: MavenSettings): Promise<boolean> {
  if (existsSync(target)) return true;
  await mkdir(dirname(target), { recursive: true });
  if ((await download(artifactPath(artifact), options.repository, target)) || (await mavenCopy(artifact, target, options.mvn))) return true;
  await rmdir(dirname(target)).catch(() => undefined); // leave no empty folder for a version that has none
  return false;
}

function artifactPath({ artifactId, version, classifier }: Artifact): string {
  return `org/apache/flink/${artifactId}/${version}/${artifactId}-${version}${classifier ? `-${classifier}` : ''}.jar`;
}

/**
 * Downloads one file of the repository, checked against its published SHA-1. The jars fetched this
 * way need no dependencies resolved, and Maven cannot fetch them where a parent pom is missing (this
 * mirror lacks flink-examples:2.3.0's), so they are fetched directly. False when the file is not there.
 */
async function download(path: string, repository: string, target: string): Promise<boolean> {
  const url = `${repository.replace(/\/$/, '')}/${path}`;
  const signal = AbortSignal.timeout(120_000);
  const [jar, sha1] = await Promise.all([
    fetch(url, { signal }).catch(() => undefined),
    fetch(`${url}.sha1`, { signal }).catch(() => undefined),
  ]);
  if (!jar?.ok || !jar.body) return false;
  const expected = sha1?.ok ? (await sha1.text()).trim().split(/\s+/)[0] : undefined;
  const bytes = Buffer.from(await jar.arrayBuffer());
  const actual = createHash('sha1').update(bytes).digest('hex');
  if (expected && expected !== actual)
    throw new FlinkError(`${url} does not match its SHA-1 (${actual} != ${expected}); the download was corrupted, try again.`);
  const scratch = `${target}.part-${process.pid}`;
  await writeFile(scratch, bytes);
  await rename(scratch, target);
  return true;
}

/** The same through Maven (honours mirrors in ~/.m2/settings.xml). */
async function mavenCopy(artifact: Artifact, target: string, mvn: string): Promise<boolean> {
  const dir = dirname(target);
  const { artifactId, version, classifier } = artifact;
  const result = await runTool(
    mvn,
    [
      '-B',
      '-q',
      'org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy',
      `-Dartifact=org.apache.flink:${artifactId}:${version}:jar${classifier ? `:${classifier}` : ''}`,
      `-DoutputDirectory=${dir}`,
    ],
    { cwd: dir },
  ).catch(() => undefined);
  const downloaded = join(dir, basename(artifactPath(artifact)));
  if (result?.code !== 0 || !existsSync(downloaded)) return false;
  await rename(downloaded, target);
  return true;
}
