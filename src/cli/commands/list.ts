import type { CommandRun } from '../context.js';
import { formatDuration, formatTime } from '../output.js';

/** `flink-kit list`: jobs, newest first. */
const list: CommandRun<'list'> = async (cli) => {
  const flink = await cli.client();
  const jobs = (await flink.jobs.list({ signal: cli.signal })).sort((a, b) => (b.startTime ?? 0) - (a.startTime ?? 0));
  await cli.out.result(jobs, async () =>
    jobs.length === 0 && !cli.out.json
      ? []
      : cli.out.table(
          ['JOB ID', 'STATE', 'NAME', 'STARTED', 'DURATION'],
          jobs.map((j) => [j.id, cli.out.state(j.state), j.name, formatTime(j.startTime), formatDuration(j.durationMs)]),
        ),
  );
  return 0;
};
export default list;
