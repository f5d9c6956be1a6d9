import { FlinkInputError } from '../../errors/flink-error.js';
import type { Args, Cli } from '../context.js';
import { spin } from '../ui.js';
import { jarSource, runFlags } from './args.js';

/** `flink-kit upgrade <job> [jar] [-p N] [--previous-jar J | --no-rollback] [-- args]`. */
export default async function upgrade(cli: Cli, [id, jarArg, programArgs]: Args, flags: Record<string, unknown>): Promise<number> {
  const jobId = id as string;
  const previousJar = flags['previousJar'] as string | undefined;
  const rollback = flags['rollback'] !== false;
  if (rollback && previousJar === undefined) {
    // Flink does not say which jar a job runs, and this process did not start it.
    throw new FlinkInputError(
      `upgrade needs the jar job ${jobId} runs now, to start it again from the savepoint if the new version fails: pass --previous-jar <file or jar id> (see \`flink-kit jars\`), or --no-rollback`,
    );
  }
  if (jarArg === undefined && previousJar === undefined)
    throw new FlinkInputError('pass the new jar, or --previous-jar to run the same jar again (a rescale with -p)');
  const flink = await cli.client();
  const run = runFlags(flags, programArgs as string[] | undefined);
  const dir = flags['dir'] as string | undefined;
  const result = await spin(`upgrading ${jobId}`, () =>
    flink.upgrade(jobId, {
      ...run,
      ...(jarArg === undefined ? {} : { jar: jarSource(jarArg as string) }),
      previous:
        previousJar === undefined ? false : { jar: jarSource(previousJar), entryClass: run.entryClass, args: run.args, config: run.config },
      ...(dir === undefined ? {} : { targetDirectory: dir }),
      ...cli.timeout,
      signal: cli.signal,
    }),
  );
  await cli.out.result(result, () => `${result.jobId} RUNNING, restored from ${result.savepointPath} (was ${result.previousJobId})`);
  return 0;
}
