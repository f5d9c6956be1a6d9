import { FlinkVersion } from '../compat/versions.js';
import { fetchExampleJar } from './maven-jars.js';
import { mavenSettings } from './maven-settings.js';

/**
 * Local path of a `flink-examples-streaming` example jar for a Flink version, downloaded on first
 * use (no cluster needed), e.g. to run WordCount on a remote cluster of that version.
 * @example const jar = await exampleJar('WordCount', { flinkVersion: (await flink.cluster.overview()).flinkVersion });
 */
export async function exampleJar(
  name: string,
  options: { flinkVersion: string; cacheDir?: string; mavenRepository?: string; mvn?: string; log?: (line: string) => void },
): Promise<string> {
  const v = FlinkVersion.parse(options.flinkVersion);
  return fetchExampleJar(name, `${v.major}.${v.minor}.${v.patch}`, mavenSettings(options));
}
