import type { CommandRun } from '../context.js';
import { spin } from '../ui.js';

/** `flink-kit stop <job> [--dir D] [--drain]`: stop with a savepoint. */
const stop: CommandRun<'stop'> = async (cli, [jobId], { dir, drain }) => {
  const flink = await cli.client();
  const { savepointPath } = await spin(`stopping ${jobId} with a savepoint`, () =>
    flink.jobs.stop(jobId, {
      drain: drain === true,
      ...(dir === undefined ? {} : { targetDirectory: dir }),
      ...cli.timeout,
      signal: cli.signal,
    }),
  );
  await cli.out.result({ jobId, state: 'FINISHED', savepointPath }, () => savepointPath);
  return 0;
};
export default stop;
