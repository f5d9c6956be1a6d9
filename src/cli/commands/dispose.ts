import type { Args, Cli } from '../context.js';
import { spin } from '../ui.js';

/** `flink-kit dispose <path>`: delete a savepoint's files through the JobManager. */
export default async function dispose(cli: Cli, [path]: Args): Promise<number> {
  const flink = await cli.client();
  const savepointPath = path as string;
  await spin(`disposing ${savepointPath}`, () => flink.savepoints.dispose(savepointPath, { signal: cli.signal, ...cli.timeout }));
  await cli.out.result({ savepointPath, disposed: true }, () => `disposed ${savepointPath}`);
  return 0;
}
