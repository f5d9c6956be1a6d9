import type { CommandRun } from '../context.js';
import { spin } from '../ui.js';

/** `flink-kit checkpoint <job> [--full]`: trigger one now and wait for it. */
const checkpoint: CommandRun<'checkpoint'> = async (cli, [jobId], flags) => {
  const flink = await cli.client();
  const type = flags.full ? 'FULL' : 'CONFIGURED';
  const { checkpointId } = await spin(`checkpoint of ${jobId}`, async () => {
    const op = await flink.checkpoints.trigger(jobId, { type, signal: cli.signal });
    return op.result({ waitTimeoutMs: cli.timeoutMs ?? 600_000, signal: cli.signal });
  });
  await cli.out.result({ jobId, checkpointId, type }, () => `checkpoint ${checkpointId} of ${jobId} completed`);
  return 0;
};
export default checkpoint;
