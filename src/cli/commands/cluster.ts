import type { CommandRun } from '../context.js';

/** `flink-kit cluster`: version, TaskManagers, slots, jobs. */
const cluster: CommandRun<'cluster'> = async (cli) => {
  const flink = await cli.client();
  const overview = await flink.cluster.overview({ signal: cli.signal });
  await cli.out.result(
    { url: flink.url, ...overview },
    () =>
      `Flink ${overview.flinkVersion} at ${flink.url}: ${overview.taskManagers} TaskManagers, ${overview.slotsTotal} slots (${overview.slotsAvailable} free), ${overview.jobsRunning} jobs running`,
  );
  return 0;
};
export default cluster;
