import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { FlinkVersion } from '../compat/versions.js';
import { FlinkInputError } from '../errors/flink-error.js';
import { resolveFlinkLib } from './flink-lib.js';
import { parseVersionRequest } from './flink-versions.js';
import type { StartSettings } from './options.js';
import { checkMaven, runTool } from './tools.js';

/** The Flink a local cluster runs: its classpath, its exact version, and where its examples are. */
export interface FlinkDistribution {
  /** Classpath entries (`<lib>/*` globs). */
  classpath: string[];
  version: FlinkVersion;
  /** `examples/streaming` of an unpacked distribution (`flinkHome`); Maven examples are fetched instead. */
  exampleDir: string | undefined;
}

/**
 * The unpacked distribution at `flinkHome`, else the requested version assembled from Maven (cached).
 * @throws {@link FlinkInputError} for a flinkHome without `lib/` or an unknown version.
 * @throws `FlinkError` when Maven is missing or cannot assemble it.
 */
export async function findDistribution(
  options: { flinkHome?: string | undefined; flinkVersion?: string | undefined },
  settings: StartSettings,
): Promise<FlinkDistribution> {
  if (options.flinkHome) {
    const home = resolve(options.flinkHome);
    if (!existsSync(join(home, 'lib')))
      throw new FlinkInputError(`flinkHome ${home} has no lib/ folder; point it at an unpacked Flink distribution`);
    const classpath = [join(home, 'lib', '*'), join(home, 'bin', '*')];
    const version = FlinkVersion.parse(await versionOfLib(settings.java, classpath));
    return { classpath, version, exampleDir: join(home, 'examples', 'streaming') };
  }
  await checkMaven(settings.mvn);
  const resolved = await resolveFlinkLib(parseVersionRequest(options.flinkVersion ?? '1.20'), settings);
  return { classpath: [join(resolved.lib, '*')], version: FlinkVersion.parse(resolved.version), exampleDir: undefined };
}

/** Reads the Flink version of a lib folder (for flinkHome) from the flink-dist / flink-runtime jar name. */
async function versionOfLib(java: string, entries: string[]): Promise<string> {
  const lib = (entries[0] ?? '').replace(/\/\*$/, '');
  const names = await readdir(lib);
  const m = names.map((n) => /^flink-(?:dist|runtime)(?:_[\d.]+)?-(\d+\.\d+\.\d+)\.jar$/.exec(n)?.[1]).find(Boolean);
  if (m) return m;
  const result = await runTool(java, ['-cp', entries.join(':'), 'org.apache.flink.runtime.util.EnvironmentInformation']);
  const v = /Version: (\d+\.\d+\.\d+)/.exec(result.output)?.[1];
  if (!v) throw new FlinkInputError(`cannot tell the Flink version of ${lib}; expected a flink-dist-<version>.jar in it`);
  return v;
}
