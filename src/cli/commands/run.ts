import type { CommandRun } from '../context.js';
import { createSpinner, startProgressBar } from '../ui.js';
import { jarLabel, jarSource, runFlags } from './args.js';

/** `flink-kit run <jar> [-p N] [-c class] [-s savepoint] [-d] [-- args]`. */
const run: CommandRun<'run'> = async (cli, [jarArg, programArgs], flags) => {
  const flink = await cli.client();
  const jar = jarSource(jarArg);
  const detached = flags.detached === true;
  const bar = await startProgressBar(jarLabel(jar));
  const spinner = await createSpinner(detached ? 'submitting' : 'waiting until all tasks run');
  if (typeof jar !== 'string') spinner.start();
  try {
    const { jobId, jarId, state, job } = await flink.submit({
      jar,
      ...runFlags(flags, [...programArgs, ...cli.afterDash]),
      ...(flags.savepoint === undefined ? {} : { savepointPath: flags.savepoint }),
      until: detached ? 'SUBMITTED' : 'RUNNING',
      ...(flags.keepJar ? { keepJar: true } : {}),
      onProgress: (progress) => {
        bar.update(progress);
        if (progress.total !== undefined && progress.loaded >= progress.total) {
          bar.stop();
          spinner.start();
        }
      },
      ...cli.timeout,
      signal: cli.signal,
    });
    spinner.stop();
    await cli.out.result({ jobId, jarId, state, job }, () => {
      const parallelism = job ? Math.max(...job.vertices.map((v) => v.parallelism)) : flags.parallelism;
      const what = [job?.name, parallelism === undefined ? undefined : `parallelism ${parallelism}`].filter(Boolean).join(', ');
      return `${jobId} ${cli.out.state(state)}${what ? ` (${what})` : ''}`;
    });
    return 0;
  } finally {
    bar.stop();
    spinner.stop();
  }
};
export default run;
