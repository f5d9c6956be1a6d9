import { FlinkInputError } from '../../index.js';
import type { CommandRun } from '../context.js';
import { spin } from '../ui.js';
import { jarSource, runFlags } from './args.js';

/** `flink-kit upgrade <job> [jar] [-p N] [--previous-jar J | --no-rollback] [-- args]`. */
const upgrade: CommandRun<'upgrade'> = async (cli, [jobId, jarArg, programArgs], flags) => {
  const { previousJar, rollback, dir } = flags;
  if (rollback && previousJar === undefined) {
    // Flink does not say which jar a job runs, and this process did not start it.
    throw new FlinkInputError(
      `upgrade needs the jar job ${jobId} runs now, to start it again from the savepoint if the new version fails: pass --previous-jar <file or jar id> (see \`flink-kit jars\`), or --no-rollback`,
    );
  }
  if (jarArg === undefined && previousJar === undefined)
    throw new FlinkInputError('pass the new jar, or --previous-jar to run the same jar again (a rescale with -p)');
  const flink = await cli.client();
  const run = runFlags(flags, [...programArgs, ...cli.afterDash]);
  const result = await spin(`upgrading ${jobId}`, () =>
    flink.upgrade(jobId, {
      ...run,
      ...(jarArg === undefined ? {} : { jar: jarSource(jarArg) }),
      previous:
        previousJar === undefined ? false : { jar: jarSource(previousJar), entryClass: run.entryClass, args: run.args, config: run.config },
      ...(dir === undefined ? {} : { targetDirectory: dir }),
      ...cli.timeout,
      signal: cli.signal,
    }),
  );
  await cli.out.result(result, () => `${result.jobId} RUNNING, restored from ${result.savepointPath} (was ${result.previousJobId})`);
  return 0;
};
export default upgrade;
