import type { Args, Cli } from '../context.js';
import { spin } from '../ui.js';

/** `flink-kit checkpoint <job> [--full]`: trigger one now and wait for it. */
export default async function checkpoint(cli: Cli, [id]: Args, flags: Record<string, unknown>): Promise<number> {
  const flink = await cli.client();
  const jobId = id as string;
  const type = flags['full'] ? 'FULL' : 'CONFIGURED';
  const { checkpointId } = await spin(`checkpoint of ${jobId}`, async () => {
    const op = await flink.checkpoints.trigger(jobId, { type, signal: cli.signal });
    return op.result({ waitTimeoutMs: cli.timeoutMs ?? 600_000, signal: cli.signal });
  });
  await cli.out.result({ jobId, checkpointId, type }, () => `checkpoint ${checkpointId} of ${jobId} completed`);
  return 0;
}
