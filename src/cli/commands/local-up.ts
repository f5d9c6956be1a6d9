import { findDetachedCluster, startLocalCluster } from '../../local/index.js';
import type { CommandRun } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { spin } from '../ui.js';

/** `flink-kit local up`: start a detached local cluster and print its URL. */
const up: CommandRun<'local up'> = async (cli, _args, flags) => {
  const cluster = await spin('starting a local Flink cluster', (spinner) =>
    startLocalCluster({
      detached: true,
      flinkVersion: flags.flinkVersion,
      taskManagers: flags.taskmanagers,
      slotsPerTaskManager: flags.slots,
      config: flags.D,
      log: (line) => {
        spinner.text(line);
        if (cli.out.verbose) process.stderr.write(`${line}\n`);
      },
    }),
  );
  await cluster.client.close();
  const status = findDetachedCluster();
  await cli.out.result(status, () => cluster.url);
  cli.out.note(
    `Flink ${cluster.flinkVersion}, logs in ${cluster.logDir}. Commands use it when no --url is given; \`flink-kit local down\` stops it.`,
  );
  return EXIT.ok;
};
export default up;
