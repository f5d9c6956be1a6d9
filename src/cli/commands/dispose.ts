import type { CommandRun } from '../context.js';
import { spin } from '../ui.js';

/** `flink-kit dispose <path>`: delete a savepoint's files through the JobManager. */
const dispose: CommandRun<'dispose'> = async (cli, [savepointPath]) => {
  const flink = await cli.client();
  await spin(`disposing ${savepointPath}`, () => flink.savepoints.dispose(savepointPath, { signal: cli.signal, ...cli.timeout }));
  await cli.out.result({ savepointPath, disposed: true }, () => `disposed ${savepointPath}`);
  return 0;
};
export default dispose;
