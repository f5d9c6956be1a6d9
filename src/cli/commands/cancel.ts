import type { CommandRun } from '../context.js';
import { spin } from '../ui.js';

/** `flink-kit cancel <job>`: cancel and wait until the job ended. */
const cancel: CommandRun<'cancel'> = async (cli, [jobId]) => {
  const flink = await cli.client();
  await flink.jobs.cancel(jobId, { signal: cli.signal });
  const job = await spin(`cancelling ${jobId}`, () => flink.jobs.waitFor(jobId, { until: 'TERMINAL', ...cli.timeout, signal: cli.signal }));
  await cli.out.result({ jobId, state: job.state }, () => `${jobId} ${cli.out.state(job.state)}`);
  return 0;
};
export default cancel;
