/**
 * Which Flink versions exist: a version request (`1.20.3`, `1.20`, `1.20.x`) and the release list
 * of an org.apache.flink artifact on Maven Central (or a mirror).
 */
import { fetch } from 'undici';
import { FlinkError, FlinkInputError } from '../errors/flink-error.js';

/** Where Maven Central (or a mirror of it) serves `maven-metadata.xml`. */
export const MAVEN_CENTRAL = 'https://repo.maven.apache.org/maven2';

/** A version request: a full version (`1.20.3`) or a minor line (`1.20`, `1.20.x`). */
export interface VersionRequest {
  line: string;
  exact: string | undefined;
}

/** Parses `1.20.3`, `1.20`, `1.20.x`. @throws {@link FlinkInputError} otherwise. */
export function parseVersionRequest(value: string): VersionRequest {
  const m = /^(\d+)\.(\d+)(?:\.(\d+|x))?$/.exec(value.trim());
  if (!m)
    throw new FlinkInputError(
      `flinkVersion ${JSON.stringify(value)} is not a Flink version; use a full version such as 1.20.3 or a line such as 1.20`,
    );
  const line = `${m[1]}.${m[2]}`;
  return { line, exact: m[3] === undefined || m[3] === 'x' ? undefined : `${line}.${m[3]}` };
}

/** Release versions of an org.apache.flink artifact, newest first, read from the repository's metadata. */
export async function publishedVersions(artifactId: string, repository: string, signal?: AbortSignal): Promise<string[]> {
  const url = `${repository.replace(/\/$/, '')}/org/apache/flink/${artifactId}/maven-metadata.xml`;
  const res = await fetch(url, { signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(30_000)]) : AbortSignal.timeout(30_000) });
  if (!res.ok) throw new FlinkError(`could not read ${url}: HTTP ${res.status}`);
  const xml = await res.text();
  const versions = [...xml.matchAll(/<version>([^<]+)<\/version>/g)].map((m) => m[1] ?? '').filter((v) => /^\d+\.\d+\.\d+$/.test(v));
  return versions.sort(compareVersions).reverse();
}

/** Orders `1.9.0` < `1.20.0`. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
