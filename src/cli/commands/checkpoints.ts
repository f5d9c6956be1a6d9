import type { Checkpoint, CheckpointEvent } from '../../index.js';
import type { Cli, CommandRun } from '../context.js';
import { formatBytes, formatDuration, formatTime } from '../output.js';

/** `flink-kit checkpoints <job> [--watch]`: statistics, or a live feed of checkpoints until the job ends. */
const checkpoints: CommandRun<'checkpoints'> = async (cli, [jobId], flags) => {
  const flink = await cli.client();
  if (flags.watch) {
    const interval = flags.interval;
    const events = flink.checkpoints.watch(jobId, { signal: cli.signal, ...(interval === undefined ? {} : { intervalMs: interval }) });
    // Ends when the job reaches a terminal state, or on Ctrl-C / SIGTERM (a normal end for a watch).
    for await (const event of events) {
      if (cli.out.json) cli.out.jsonLine(event);
      else cli.out.lines(describe(cli, event));
    }
    return 0;
  }
  const stats = await flink.checkpoints.stats(jobId, { signal: cli.signal });
  await cli.out.result(stats, async () => {
    const { counts, latest } = stats;
    const lines = [`${counts.completed} completed, ${counts.failed} failed, ${counts.inProgress} in progress, ${counts.restored} restored`];
    if (latest.completed) lines.push(`latest completed: ${summary(latest.completed)}`);
    if (latest.savepoint) lines.push(`latest savepoint: ${summary(latest.savepoint)}`);
    if (latest.failed) lines.push(`latest failed: ${latest.failed.id} ${latest.failed.failureMessage ?? ''}`.trimEnd());
    if (latest.restored)
      lines.push(
        `restored from: ${latest.restored.externalPath ?? `checkpoint ${latest.restored.checkpointId}`} at ${formatTime(latest.restored.restoredAt)}`,
      );
    if (stats.history.length > 0) {
      lines.push(
        ...(await cli.out.table(
          ['ID', 'STATUS', 'TYPE', 'TRIGGERED', 'DURATION', 'SIZE', 'PATH'],
          stats.history.map((c) => [
            String(c.id),
            cli.out.state(c.status),
            c.isSavepoint ? 'savepoint' : 'checkpoint',
            formatTime(c.triggeredAt),
            formatDuration(c.durationMs),
            formatBytes(c.checkpointedSize ?? c.stateSize),
            c.externalPath ?? c.failureMessage ?? '',
          ]),
        )),
      );
    }
    return lines;
  });
  return 0;
};
export default checkpoints;

function summary(c: Checkpoint): string {
  return `${c.id} at ${formatTime(c.triggeredAt)}, ${formatDuration(c.durationMs)}, ${formatBytes(c.checkpointedSize ?? c.stateSize)}${c.externalPath ? `, ${c.externalPath}` : ''}`;
}

function describe(cli: Cli, e: CheckpointEvent): string {
  switch (e.type) {
    case 'completed':
      return `${formatTime(e.completedAt ?? e.triggeredAt)}  ${cli.out.state('COMPLETED')} ${e.isSavepoint ? 'savepoint' : 'checkpoint'} ${e.checkpointId} in ${formatDuration(e.durationMs)}, ${formatBytes(e.checkpointedSize ?? e.stateSize)}${e.externalPath ? `  ${e.externalPath}` : ''}`;
    case 'failed':
      return `${formatTime(e.failedAt ?? e.triggeredAt)}  ${cli.out.state('FAILED')} ${e.isSavepoint ? 'savepoint' : 'checkpoint'} ${e.checkpointId}: ${e.failureMessage ?? 'no reason given'}`;
    case 'restored':
      return `${formatTime(e.restoredAt)}  restored from ${e.isSavepoint ? 'savepoint' : 'checkpoint'} ${e.checkpointId}${e.externalPath ? `  ${e.externalPath}` : ''}`;
    case 'missed':
      return `${e.count} checkpoints completed between two looks and were not seen (Flink keeps web.checkpoints.history)`;
    case 'state':
      return `${formatTime(Date.now())}  job ${cli.out.state(e.state)}${e.previous ? cli.out.dim(` (was ${e.previous})`) : ''}`;
  }
}
