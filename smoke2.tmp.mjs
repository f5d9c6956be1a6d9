import { startLocalCluster } from 'flink-kit/local';
import { mkdirSync, writeFileSync, readdirSync } from 'node:fs';
const c = await startLocalCluster({ flinkVersion: process.argv[2], taskManagers: 2, slotsPerTaskManager: 2, config: { 'execution.checkpointing.interval': '2s' } });
try {
  const dir = c.workDir + '/input'; mkdirSync(dir); writeFileSync(dir + '/a.txt', 'to be or not to be\n');
  const wc = await c.exampleJar('WordCount');
  const r = await c.client.submit({ jar: wc, parallelism: 2, args: ['--input', dir, '--discovery-interval', '1s'], until: 'RUNNING' });
  console.log('running', r.job.vertices.map(v => [v.name, v.parallelism, v.status]));
  await new Promise(r => setTimeout(r, 7000));
  console.log('state', await c.client.jobs.status(r.jobId));
  const ck = await c.client.request({ method: 'GET', path: `/jobs/${r.jobId}/checkpoints` });
  console.log('ckpt counts', ck.counts, ck.latest?.completed?.external_path);
  const trig = await c.client.request({ method: 'POST', path: `/jobs/${r.jobId}/stop`, body: { targetDirectory: 'file://' + c.savepointDir, drain: false, triggerId: '0123456789abcdef0123456789abcdef' } });
  console.log('trig', trig);
  for (let i = 0; i < 30; i++) { const s = await c.client.request({ method: 'GET', path: `/jobs/${r.jobId}/savepoints/0123456789abcdef0123456789abcdef` }); if (s.status.id === 'COMPLETED') { console.log(JSON.stringify(s).slice(0, 400)); break; } await new Promise(r => setTimeout(r, 500)); }
  console.log('after stop', await c.client.jobs.status(r.jobId), readdirSync(c.savepointDir));
} finally { await c.stop(); }
