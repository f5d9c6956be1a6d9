import type { CommandRun } from '../context.js';
import { formatTime } from '../output.js';

/** `flink-kit jars [list]`: uploaded jars, newest first. */
const list: CommandRun<'jars' | 'jars list'> = async (cli) => {
  const flink = await cli.client();
  const jars = (await flink.jars.list({ signal: cli.signal })).sort((a, b) => b.uploadedAt - a.uploadedAt);
  await cli.out.result(jars, () =>
    cli.out.table(
      ['JAR ID', 'NAME', 'UPLOADED', 'ENTRY CLASSES'],
      jars.map((j) => [j.id, j.name, formatTime(j.uploadedAt), j.entryClasses.join(', ')]),
    ),
  );
  return 0;
};
export default list;
