import type { CommandRun } from '../context.js';
import { spin } from '../ui.js';

/** `flink-kit savepoint <job> [--dir D]`: the job keeps running. */
const savepoint: CommandRun<'savepoint'> = async (cli, [jobId], { dir }) => {
  const flink = await cli.client();
  const { triggerId, savepointPath } = await spin(`savepoint of ${jobId}`, async () => {
    const op = await flink.savepoints.trigger(jobId, { signal: cli.signal, ...(dir === undefined ? {} : { targetDirectory: dir }) });
    const { location } = await op.result({ waitTimeoutMs: cli.timeoutMs ?? 600_000, signal: cli.signal });
    return { triggerId: op.triggerId, savepointPath: location };
  });
  await cli.out.result({ jobId, triggerId, savepointPath }, () => savepointPath);
  return 0;
};
export default savepoint;
