import { resolve } from 'node:path';
import { defaultCacheDir } from './cache-dir.js';
import { MAVEN_CENTRAL } from './flink-versions.js';

/** Where Flink comes from and is cached: what assembling a lib folder or fetching a jar needs. */
export interface MavenSettings {
  cacheDir: string;
  repository: string;
  mvn: string;
  log: (line: string) => void;
}

/** The public options' Maven fields, with their defaults filled in (the cache dir made absolute). */
export function mavenSettings(options: {
  cacheDir?: string | undefined;
  mavenRepository?: string | undefined;
  mvn?: string | undefined;
  log?: ((line: string) => void) | undefined;
}): MavenSettings {
  return {
    cacheDir: resolve(options.cacheDir ?? defaultCacheDir()),
    repository: options.mavenRepository ?? MAVEN_CENTRAL,
    mvn: options.mvn ?? 'mvn',
    log: options.log ?? (() => {}),
  };
}
