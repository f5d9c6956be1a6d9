import type { CommandRun } from '../context.js';
import { formatDuration } from '../output.js';

/** `flink-kit status <job>`: state and vertices. */
const status: CommandRun<'status'> = async (cli, [jobId]) => {
  const flink = await cli.client();
  // Job details are cached for web.refresh-interval (3 s); the status route is live: a job stopped a
  // moment ago shows FINISHED, not RUNNING.
  const [details, state] = await Promise.all([
    flink.jobs.get(jobId, { signal: cli.signal }),
    flink.jobs.status(jobId, { signal: cli.signal }),
  ]);
  const job = { ...details, state };
  await cli.out.result(job, async () => [
    `${job.id} ${cli.out.state(job.state)} ${job.name} (${formatDuration(job.durationMs)}${job.allTasksRunning ? ', all tasks running' : ''})`,
    ...(await cli.out.table(
      ['VERTEX', 'PARALLELISM', 'STATUS', 'TASKS'],
      job.vertices.map((v) => [
        v.name,
        String(v.parallelism),
        cli.out.state(v.status),
        Object.entries(v.tasks)
          .filter(([, n]) => n > 0)
          .map(([s, n]) => `${n} ${s}`)
          .join(', '),
      ]),
    )),
  ]);
  return 0;
};
export default status;
