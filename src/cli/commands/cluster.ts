import type { Cli } from '../context.js';

/** `flink-kit cluster`: version, TaskManagers, slots, jobs. */
export default async function cluster(cli: Cli): Promise<number> {
  const flink = await cli.client();
  const overview = await flink.cluster.overview({ signal: cli.signal });
  await cli.out.result(
    { url: flink.url, ...overview },
    () =>
      `Flink ${overview.flinkVersion} at ${flink.url}: ${overview.taskManagers} TaskManagers, ${overview.slotsTotal} slots (${overview.slotsAvailable} free), ${overview.jobsRunning} jobs running`,
  );
  return 0;
}
