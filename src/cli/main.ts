#!/usr/bin/env node
/**
 * The `flink-kit` command. Minimal for now: `cluster` prints the overview of a Flink cluster.
 * @packageDocumentation
 */
import { FlinkClient } from '../client.js';
import { isFlinkError } from '../errors/flink-error.js';

const USAGE = `usage: flink-kit [--url URL] [--json] <command>

commands:
  cluster     version, TaskManagers and slots of the cluster

--url defaults to $FLINK_URL, else http://127.0.0.1:8081`;

async function main(argv: string[]): Promise<number> {
  let url: string | undefined;
  let json = false;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--url') url = argv[++i];
    else if (arg.startsWith('--url=')) url = arg.slice(6);
    else if (arg === '--json') json = true;
    else if (arg === '-h' || arg === '--help') rest.unshift('help');
    else rest.push(arg);
  }
  const command = rest[0] ?? 'help';
  if (command === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (command !== 'cluster') {
    console.error(`flink-kit: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
    return 2;
  }
  await using flink = new FlinkClient(url === undefined ? {} : { url });
  const overview = await flink.cluster.overview();
  if (json) console.log(JSON.stringify(overview, null, 2));
  else
    console.log(
      `Flink ${overview.flinkVersion} at ${flink.url}: ${overview.taskManagers} TaskManagers, ${overview.slotsTotal} slots (${overview.slotsAvailable} free), ${overview.jobsRunning} jobs running`,
    );
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`flink-kit: ${isFlinkError(error) ? error.message : String(error)}`);
    process.exitCode = isFlinkError(error) ? 1 : 70;
  },
);
