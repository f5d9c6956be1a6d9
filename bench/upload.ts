/**
 * Benchmark: upload a generated 90 MiB jar to a local Flink cluster, flink-kit vs curl, alternating,
 * 5 rounds each. Prints each round, the median throughput ratio (target >= 0.9x curl) and the
 * SDK's peak extra RSS during the upload (target < 32 MiB).
 *
 *   ./dev node bench/upload.ts [--url URL] [--size-mib 90] [--rounds 5]
 *
 * Each SDK round runs in a fresh child process, so its RSS baseline is clean.
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { FlinkClient } from 'flink-kit';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    'size-mib': { type: 'string', default: '90' },
    rounds: { type: 'string', default: '5' },
    child: { type: 'string' }, // internal: run one SDK upload of this file and print JSON
  },
});

if (values.child) {
  // Child mode: one upload, sampling RSS every 2 ms.
  const client = new FlinkClient({ url: values.url as string });
  await client.cluster.overview(); // warm up the connection and the code paths
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 2);
  const start = performance.now();
  const jar = await client.jars.upload(values.child);
  const seconds = (performance.now() - start) / 1000;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage.rss());
  await client.jars.delete(jar.id);
  await client.close();
  console.log(JSON.stringify({ seconds, extraRss: peak - baseline }));
  process.exit(0);
}

const sizeMiB = Number(values['size-mib']);
const rounds = Number(values.rounds);
const file = join(tmpdir(), `flink-kit-bench-${process.pid}.jar`);
const fd = openSync(file, 'w');
writeSync(fd, Buffer.from('PK\x03\x04'));
for (let i = 0; i < sizeMiB; i++) writeSync(fd, randomBytes(1024 * 1024));
closeSync(fd);
const bytes = sizeMiB * 1024 * 1024 + 4;

let stopCluster: (() => Promise<void>) | undefined;
let url = values.url;
if (!url) {
  const { startLocalCluster } = await import('flink-kit/local');
  const local = await startLocalCluster({ taskManagers: 1, config: { 'rest.server.max-content-length': 209715200 } });
  url = local.url;
  stopCluster = () => local.stop();
}
const client = new FlinkClient({ url });

async function sdkRound(): Promise<{ seconds: number; extraRss: number }> {
  const child = spawn(process.execPath, [process.argv[1] as string, '--url', url as string, '--child', file], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk;
  });
  await new Promise((resolve) => child.on('exit', resolve));
  return JSON.parse(out);
}

async function curlRound(): Promise<number> {
  const { stdout } = await promisify(execFile)('curl', [
    '-s',
    '-o',
    '/dev/null',
    '-w',
    '%{time_total}',
    '-F',
    `jarfile=@${file};type=application/x-java-archive`,
    `${url}/v1/jars/upload`,
  ]);
  return Number(stdout);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const mibps = (seconds: number) => bytes / 1024 / 1024 / seconds;
const sdk: number[] = [];
const curl: number[] = [];
const rss: number[] = [];
try {
  for (let i = 1; i <= rounds; i++) {
    const s = await sdkRound();
    sdk.push(mibps(s.seconds));
    rss.push(s.extraRss);
    curl.push(mibps(await curlRound()));
    for (const jar of await client.jars.list()) if (jar.name.startsWith('flink-kit-bench-')) await client.jars.delete(jar.id);
    console.log(
      `round ${i}: flink-kit ${sdk.at(-1)?.toFixed(0)} MiB/s (extra RSS ${((rss.at(-1) ?? 0) / 1048576).toFixed(1)} MiB), curl ${curl.at(-1)?.toFixed(0)} MiB/s`,
    );
  }
  const ratio = median(sdk) / median(curl);
  console.log(`\n${sizeMiB} MiB jar, ${rounds} rounds each, alternating`);
  console.log(
    `median throughput: flink-kit ${median(sdk).toFixed(0)} MiB/s, curl ${median(curl).toFixed(0)} MiB/s, ratio ${ratio.toFixed(2)}x (target >= 0.9x)`,
  );
  console.log(
    `peak extra RSS of flink-kit during upload: max ${(Math.max(...rss) / 1048576).toFixed(1)} MiB, median ${(median(rss) / 1048576).toFixed(1)} MiB (target < 32 MiB)`,
  );
} finally {
  await client.close();
  await stopCluster?.();
  rmSync(file, { force: true });
}
