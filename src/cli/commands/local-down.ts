import { stopDetachedCluster } from '../../local/index.js';
import type { CommandRun } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { spin } from '../ui.js';

/** `flink-kit local down`: stop it; no JVM and no temp dir left behind. */
const down: CommandRun<'local down'> = async (cli) => {
  const stopped = await spin('stopping the local cluster', () => stopDetachedCluster());
  await cli.out.result({ stopped: stopped !== undefined, url: stopped?.url }, () =>
    stopped ? `stopped the local cluster at ${stopped.url}` : 'no local cluster was running',
  );
  return EXIT.ok;
};
export default down;
