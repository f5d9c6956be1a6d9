import type { Args, Cli } from '../context.js';
import { formatTime } from '../output.js';
import { startProgressBar } from '../ui.js';
import { jarLabel } from './args.js';

/** `flink-kit jars [list]`: uploaded jars, newest first. */
export async function list(cli: Cli): Promise<number> {
  const flink = await cli.client();
  const jars = (await flink.jars.list({ signal: cli.signal })).sort((a, b) => b.uploadedAt - a.uploadedAt);
  await cli.out.result(jars, () =>
    cli.out.table(
      ['JAR ID', 'NAME', 'UPLOADED', 'ENTRY CLASSES'],
      jars.map((j) => [j.id, j.name, formatTime(j.uploadedAt), j.entryClasses.join(', ')]),
    ),
  );
  return 0;
}

/** `flink-kit jars upload <file>`: prints the jar id. */
export async function upload(cli: Cli, [file]: Args): Promise<number> {
  const flink = await cli.client();
  const bar = await startProgressBar(jarLabel(file as string));
  try {
    const jar = await flink.jars.upload(file as string, { signal: cli.signal, onProgress: (p) => bar.update(p) });
    bar.stop();
    await cli.out.result(jar, () => jar.id);
  } finally {
    bar.stop();
  }
  return 0;
}

/** `flink-kit jars delete <id>`. */
export async function remove(cli: Cli, [id]: Args): Promise<number> {
  const flink = await cli.client();
  await flink.jars.delete(id as string, { signal: cli.signal });
  await cli.out.result({ id, deleted: true }, () => `deleted ${id}`);
  return 0;
}

export { remove as delete };
