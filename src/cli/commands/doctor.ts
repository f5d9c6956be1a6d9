import { doctor as runDoctor } from '../../workflows/doctor.js';
import type { Cli } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { spin } from '../ui.js';

const MARK = { pass: '✓', warn: '!', fail: '✗' } as const;

/** `flink-kit doctor`: pass / warn / fail per check with a one-line fix; exit 11 when one failed. */
export default async function doctor(cli: Cli): Promise<number> {
  const flink = await cli.client();
  // (--k8s will add the Kubernetes section here: `sections: [kubernetesChecks(...)]`.)
  const report = await spin(`checking ${flink.url}`, () => runDoctor(flink, { signal: cli.signal }));
  await cli.out.result(report, () => {
    const lines: string[] = [];
    for (const c of report.checks) {
      lines.push(`${cli.out.state(c.status, process.stdout).replace(c.status, `${MARK[c.status]} ${c.status}`)}  ${c.summary}`);
      if (c.fix) lines.push(`        fix: ${c.fix}`);
    }
    const failed = report.checks.filter((c) => c.status === 'fail').length;
    const warned = report.checks.filter((c) => c.status === 'warn').length;
    lines.push(failed > 0 ? `${failed} failed, ${warned} warnings` : `all good${warned ? ` (${warned} warnings)` : ''}`);
    return lines;
  });
  return report.ok ? EXIT.ok : EXIT.checksFailed;
}
