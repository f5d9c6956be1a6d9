import { type CheckStatus, type DoctorReport, doctor, type FlinkClient, FlinkKubernetesError } from '../../index.js';
import { kubeOptions } from '../connect.js';
import type { Cli, CommandRun } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { spin } from '../ui.js';

const MARK: Readonly<Record<CheckStatus, string>> = { pass: '✓', warn: '!', fail: '✗' };

/**
 * `flink-kit doctor`: pass / warn / fail per check with a one-line fix; exit 11 when one failed.
 * With `--k8s`, the SDK's Kubernetes section adds the pods: JobManager Ready, TaskManager pods vs
 * registered TaskManagers, restarts, spread over nodes.
 */
const doctorCommand: CommandRun<'doctor'> = async (cli) => {
  const report = await check(cli);
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
};
export default doctorCommand;

async function check(cli: Cli): Promise<DoctorReport> {
  if (!cli.flags.k8s) {
    const flink = await cli.client();
    return spin(`checking ${flink.url}`, () => doctor(flink, { signal: cli.signal }));
  }
  const kube = await import('../../kube/index.js');
  const options = kubeOptions(cli.flags);
  let flink: FlinkClient;
  try {
    flink = await cli.client();
  } catch (error) {
    // No Ready JobManager pod: nothing answers REST, but the pods say why.
    if (error instanceof FlinkKubernetesError && error.reason === 'no-ready-pod')
      return spin('checking the pods', () => kube.doctorWithoutJobManager(options, error));
    throw error;
  }
  return spin(`checking ${cli.connection?.where ?? flink.url}`, () =>
    doctor(flink, { sections: [kube.kubernetesDoctorSection(options)], signal: cli.signal }),
  );
}
