import type { CommandRun } from '../context.js';

/** `flink-kit jars delete <id>`. */
const remove: CommandRun<'jars delete'> = async (cli, [id]) => {
  const flink = await cli.client();
  await flink.jars.delete(id, { signal: cli.signal });
  await cli.out.result({ id, deleted: true }, () => `deleted ${id}`);
  return 0;
};
export default remove;
