import { describe, expect, it } from 'vitest';
import { compat, FlinkVersion } from '../../../src/compat/versions.js';
import { FlinkInputError } from '../../../src/errors/flink-error.js';

describe('FlinkVersion', () => {
  it.each<[string, [number, number, number]]>([
    ['1.20.3', [1, 20, 3]],
    ['1.18', [1, 18, 0]],
    ['2.0-preview1', [2, 0, 0]],
    ['1.19-SNAPSHOT', [1, 19, 0]],
    [' 1.17.2 ', [1, 17, 2]],
  ])('parses %j', (raw, [major, minor, patch]) => {
    expect(FlinkVersion.parse(raw)).toMatchObject({ major, minor, patch });
  });

  it.each(['', 'master', 'v1.20', '1'])('refuses %j', (raw) => {
    expect(() => FlinkVersion.parse(raw)).toThrow(FlinkInputError);
  });

  it('compares by major and minor', () => {
    expect(FlinkVersion.parse('1.20.0').atLeast(1, 20)).toBe(true);
    expect(FlinkVersion.parse('1.19.9').atLeast(1, 20)).toBe(false);
    expect(FlinkVersion.parse('2.0.0').atLeast(1, 20)).toBe(true);
  });
});

describe('compat', () => {
  it.each<[string, boolean, 'claimMode' | 'restoreMode']>([
    ['1.16.3', false, 'restoreMode'],
    ['1.17.2', true, 'restoreMode'],
    ['1.19.1', true, 'restoreMode'],
    ['1.20.3', true, 'claimMode'],
    ['2.1.0', true, 'claimMode'],
  ])('%s: flinkConfiguration %s, %s', (raw, runConfig, field) => {
    const v = FlinkVersion.parse(raw);
    expect(compat.runConfig(v)).toBe(runConfig);
    expect(compat.claimModeField(v)).toBe(field);
  });
});
