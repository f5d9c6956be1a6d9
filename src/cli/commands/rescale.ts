import type { CommandRun } from '../context.js';
import { spin } from '../ui.js';

/** `flink-kit rescale <job> -p N`: change a running job's parallelism in place (adaptive scheduler). */
const rescale: CommandRun<'rescale'> = async (cli, [jobId], { parallelism }) => {
  const flink = await cli.client();
  const result = await spin(`rescaling ${jobId} to ${parallelism}`, () =>
    flink.rescale(jobId, { parallelism, ...cli.timeout, signal: cli.signal }),
  );
  const vertices = result.job.vertices.map((v) => ({ name: v.name, parallelism: v.parallelism }));
  await cli.out.result(
    { jobId, previousParallelism: result.previousParallelism, parallelism: result.parallelism, state: result.job.state, vertices },
    () =>
      `${jobId} ${cli.out.state(result.job.state)} at parallelism ${result.parallelism} (was ${result.previousParallelism}), all tasks running`,
  );
  return 0;
};
export default rescale;
