import type { Args, Cli } from '../context.js';
import { spin } from '../ui.js';

/** `flink-kit stop <job> [--dir D] [--drain]`: stop with a savepoint. */
export default async function stop(cli: Cli, [id]: Args, flags: Record<string, unknown>): Promise<number> {
  const flink = await cli.client();
  const jobId = id as string;
  const dir = flags['dir'] as string | undefined;
  const { savepointPath } = await spin(`stopping ${jobId} with a savepoint`, () =>
    flink.jobs.stop(jobId, {
      drain: flags['drain'] === true,
      ...(dir === undefined ? {} : { targetDirectory: dir }),
      ...cli.timeout,
      signal: cli.signal,
    }),
  );
  await cli.out.result({ jobId, state: 'FINISHED', savepointPath }, () => savepointPath);
  return 0;
}
