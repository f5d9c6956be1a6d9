import type { CommandRun } from '../context.js';
import { formatTime } from '../output.js';

/** `flink-kit exceptions <job>`: root cause first, then the failures, newest first. */
const exceptions: CommandRun<'exceptions'> = async (cli, [jobId], flags) => {
  const flink = await cli.client();
  const max = flags.max;
  const result = await flink.jobs.exceptions(jobId, { signal: cli.signal, ...(max === undefined ? {} : { maxExceptions: max }) });
  await cli.out.result(result, () => {
    if (result.entries.length === 0 && !result.rootCause) return `no exceptions for job ${jobId}`;
    const lines = [`root cause: ${cli.out.style('red', result.rootCause ?? 'unknown')}`];
    for (const e of result.entries) {
      const where = [e.taskName, e.endpoint].filter(Boolean).join(' @ ');
      lines.push(`${formatTime(e.timestamp)}  ${e.message}${where ? cli.out.dim(`  (${where})`) : ''}`);
      if (e.rootCause && e.rootCause !== e.message) lines.push(`  root cause: ${e.rootCause}`);
    }
    if (result.truncated) lines.push(cli.out.dim('(older exceptions were truncated by Flink)'));
    return lines;
  });
  return 0;
};
export default exceptions;
