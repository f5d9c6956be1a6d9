import type { Args, Cli } from '../context.js';
import { spin } from '../ui.js';

/** `flink-kit rescale <job> -p N`: change a running job's parallelism in place (adaptive scheduler). */
export default async function rescale(cli: Cli, [id]: Args, flags: Record<string, unknown>): Promise<number> {
  const flink = await cli.client();
  const jobId = id as string;
  const parallelism = flags['parallelism'] as number;
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
}
