import { describe, expect, it } from 'vitest';
import { FlinkInputError } from '../../../src/errors/index.ts';
import { FlinkSqlUnsupportedError } from '../../../src/sql/errors.ts';
import { negotiate, requireFeature } from '../../../src/sql/versions.ts';

describe('REST API version negotiation', () => {
  it.each([
    [['V1'], 'v1'],
    [['V1', 'V2'], 'v2'],
    [['V1', 'V2', 'V3'], 'v3'],
    [['V1', 'V2', 'V3', 'V4'], 'v4'],
    [['V1', 'V2', 'V3', 'V4', 'V5'], 'v4'],
  ])('the gateway serving %j: %s, the newest both speak', (served, version) => {
    expect(negotiate(served)).toBe(version);
  });

  it('uses a pinned version the gateway serves, refuses one it does not', () => {
    expect(negotiate(['V1', 'V2', 'V3'], 'V1')).toBe('v1');
    expect(() => negotiate(['V1', 'V2'], 'v3')).toThrow(/does not serve REST API v3 \(it serves V1, V2\)/);
    expect(() => negotiate(['V1'], 'v9')).toThrow(FlinkInputError);
    expect(() => negotiate(['V0'])).toThrow(/none of which flink-kit speaks/);
  });

  it('refuses a newer feature before anything is sent, saying what it needs', () => {
    expect(() => requireFeature('v2', 'configure-session')).not.toThrow();
    const error = (() => {
      try {
        requireFeature('v1', 'configure-session', ['V1']);
      } catch (e) {
        return e;
      }
    })() as FlinkSqlUnsupportedError;
    expect(error).toBeInstanceOf(FlinkSqlUnsupportedError);
    expect(error).toBeInstanceOf(FlinkInputError);
    expect([error.feature, error.needs, error.using]).toEqual(['configure-session', 'v2', 'v1']);
    expect(error.message).toBe(
      'configure-session needs SQL Gateway REST API v2 (Flink 1.17+), but this client speaks v1 with the gateway (it serves V1): use a newer SQL Gateway.',
    );
  });
});
