import type { CommandRun } from '../context.js';
import { startProgressBar } from '../ui.js';
import { jarLabel } from './args.js';

/** `flink-kit jars upload <file>`: prints the jar id. */
const upload: CommandRun<'jars upload'> = async (cli, [file]) => {
  const flink = await cli.client();
  const bar = await startProgressBar(jarLabel(file));
  try {
    const jar = await flink.jars.upload(file, { signal: cli.signal, onProgress: (p) => bar.update(p) });
    bar.stop();
    await cli.out.result(jar, () => jar.id);
  } finally {
    bar.stop();
  }
  return 0;
};
export default upload;
