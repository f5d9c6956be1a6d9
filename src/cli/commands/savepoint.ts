import type { Args, Cli } from '../context.js';
import { spin } from '../ui.js';

/** `flink-kit savepoint <job> [--dir D]`: the job keeps running. */
export default async function savepoint(cli: Cli, [id]: Args, flags: Record<string, unknown>): Promise<number> {
  const flink = await cli.client();
  const jobId = id as string;
  const dir = flags['dir'] as string | undefined;
  const { triggerId, savepointPath } = await spin(`savepoint of ${jobId}`, async () => {
    const op = await flink.savepoints.trigger(jobId, { signal: cli.signal, ...(dir === undefined ? {} : { targetDirectory: dir }) });
    const { location } = await op.result({ waitTimeoutMs: cli.timeoutMs ?? 600_000, signal: cli.signal });
    return { triggerId: op.triggerId, savepointPath: location };
  });
  await cli.out.result({ jobId, triggerId, savepointPath }, () => savepointPath);
  return 0;
}
