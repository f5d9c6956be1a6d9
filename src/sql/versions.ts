import { FlinkInputError } from '../errors/flink-error.js';
import { FlinkSqlUnsupportedError } from './errors.js';

/**
 * The SQL Gateway REST API versions flink-kit speaks, oldest first. They are not cumulative: each
 * Flink release serves a list of them (`GET /api_versions`), and a route or field of a newer one
 * is not there on an older gateway.
 *
 * | version | since | adds |
 * |---|---|---|
 * | `v1` | Flink 1.16 | sessions, heartbeat, statements, operation status/cancel/close, results by token |
 * | `v2` | Flink 1.17 | `configure-session`, `complete-statement`, `rowFormat=JSON\|PLAIN_TEXT` on results |
 * | `v3` | Flink 1.20 | materialized-table refresh |
 * | `v4` | Flink 2.x | script deployment in application mode (`POST /sessions/:sh/scripts`) |
 *
 * Served as seen on real gateways: 1.18.1 `V1, V2`; 1.20.3 `V1, V2, V3`; 2.3.0 `V1, V2, V3, V4`.
 */
export const SQL_API_VERSIONS = ['v1', 'v2', 'v3', 'v4'] as const;

/** A SQL Gateway REST API version, as its URL prefix. */
export type SqlApiVersion = (typeof SQL_API_VERSIONS)[number];

/** What each feature needs, for the refusal message. */
export const FEATURES = {
  'configure-session': 'v2',
  'complete-statement': 'v2',
  rowFormat: 'v2',
} as const satisfies Record<string, SqlApiVersion>;

/** Feature names of {@link FEATURES}. */
export type SqlFeature = keyof typeof FEATURES;

/** Position of a version in {@link SQL_API_VERSIONS}. */
function rank(version: string): number {
  return SQL_API_VERSIONS.indexOf(version.toLowerCase() as SqlApiVersion);
}

/** `V2` or `v2` as `v2`; undefined for a version flink-kit does not know. */
export function normalizeVersion(version: string): SqlApiVersion | undefined {
  const v = version.trim().toLowerCase();
  return rank(v) >= 0 ? (v as SqlApiVersion) : undefined;
}

/**
 * The version to speak: the newest one both sides know, or the pinned one when the gateway serves it.
 * @throws {@link FlinkInputError} when the gateway serves none that flink-kit knows, or not the pinned one.
 */
export function negotiate(served: readonly string[], pinned?: string): SqlApiVersion {
  const known = served.map(normalizeVersion).filter((v): v is SqlApiVersion => v !== undefined);
  if (pinned !== undefined) {
    const want = normalizeVersion(pinned);
    if (!want)
      throw new FlinkInputError(
        `apiVersion ${JSON.stringify(pinned)} is not a SQL Gateway REST API version; use one of ${SQL_API_VERSIONS.join(', ')}`,
      );
    if (!known.includes(want)) {
      throw new FlinkInputError(
        `the SQL Gateway does not serve REST API ${want} (it serves ${served.join(', ') || 'none'}); leave apiVersion out to use the newest both sides speak`,
      );
    }
    return want;
  }
  const newest = known.sort((a, b) => rank(b) - rank(a))[0];
  if (!newest) {
    throw new FlinkInputError(
      `the SQL Gateway serves REST API versions ${served.join(', ') || '(none)'}, none of which flink-kit speaks (${SQL_API_VERSIONS.join(', ')}). Is this Flink's SQL Gateway (1.16+)?`,
    );
  }
  return newest;
}

/** True when `version` is `needs` or newer. */
export function supports(version: SqlApiVersion, needs: SqlApiVersion): boolean {
  return rank(version) >= rank(needs);
}

/**
 * Refuses a feature the version in use lacks, before anything is sent.
 * @throws {@link FlinkSqlUnsupportedError}
 */
export function requireFeature(version: SqlApiVersion, feature: SqlFeature, served?: readonly string[]): void {
  const needs = FEATURES[feature];
  if (supports(version, needs)) return;
  const since = { v1: '1.16', v2: '1.17', v3: '1.20', v4: '2.0' }[needs];
  throw new FlinkSqlUnsupportedError(
    `${feature} needs SQL Gateway REST API ${needs} (Flink ${since}+), but this client speaks ${version} with the gateway${served ? ` (it serves ${served.join(', ')})` : ''}: use a newer SQL Gateway${served?.some((v) => normalizeVersion(v) === needs) ? ', or leave apiVersion out' : ''}.`,
    { feature, needs, using: version },
  );
}
