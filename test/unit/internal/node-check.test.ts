import { describe, expect, it } from 'vitest';
import { unsupportedNode } from '../../../src/internal/node-check.ts';

describe('unsupportedNode', () => {
  it.each(['20.20.2', 'v18.19.0', '22.18.0', '21.7.3'])('refuses Node.js %s in one line that names 22.19 and how to get it', (version) => {
    const message = unsupportedNode(version);
    expect(message).toMatch(
      /^flink-kit needs Node\.js 22\.19 or newer \(24 LTS recommended\), and this is Node\.js v?[\d.]+: install .*nodejs\.org.*nvm install 24/,
    );
    expect(message).not.toContain('\n');
  });

  it.each(['22.19.0', '22.20.1', '23.0.0', '24.21.0', 'v25.1.0'])('accepts Node.js %s', (version) => {
    expect(unsupportedNode(version)).toBeUndefined();
  });

  it('lets the running Node.js (this test runs on >= 22.19) import flink-kit', async () => {
    await expect(import('../../../src/index.ts')).resolves.toHaveProperty('FlinkClient');
  });
});
