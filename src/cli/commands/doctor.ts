import { type DoctorSection, doctor as runDoctor } from '../../workflows/doctor.js';
import type { Cli } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { spin } from '../ui.js';

const MARK = { pass: '✓', warn: '!', fail: '✗' } as const;

/**
 * `flink-kit doctor`: pass / warn / fail per check with a one-line fix; exit 11 when one failed.
 * With `--k8s`, the SDK's Kubernetes section adds the pods: JobManager Ready, TaskManager pods vs
 * registered TaskManagers, restarts, spread over nodes.
 */
export default async function doctor(cli: Cli): Promise<number> {
  const flink = await cli.client();
  const sections: DoctorSection[] = [];
  const kube = cli.connection?.kube;
  if (kube) sections.push((await import('../../kube/doctor.js')).kubernetesDoctorSection(kube));
  const report = await spin(`checking ${cli.connection?.where ?? flink.url}`, () => runDoctor(flink, { sections, signal: cli.signal }));
  await cli.out.result(report, () => {
    const lines: string[] = [];
    for (const c of report.checks) {
      lines.push(`${cli.out.state(c.status, process.stdout).replace(c.status, `${MARK[c.status]} ${c.status}`)}  ${c.summary}`);
      if (c.fix) lines.push(`        fix: ${c.fix}`);
    }
    const failed = report.checks.filter((c) => c.status === 'fail').length;
    const warned = report.checks.filter((c) => c.status === 'warn').length;
    const warnings = `${warned} warning${warned === 1 ? '' : 's'}`;
    lines.push(failed > 0 ? `${failed} failed, ${warnings}` : `all good${warned ? ` (${warnings})` : ''}`);
    return lines;
  });
  return report.ok ? EXIT.ok : EXIT.checksFailed;
}
