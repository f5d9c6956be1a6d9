import { setTimeout } from 'node:timers/promises';
import { DEFAULT_HEALTH_THRESHOLDS, type HealthOptions, type HealthReport, TERMINAL_JOB_STATES } from '../../index.js';
import type { CommandRun } from '../context.js';
import type { FlagsOf } from '../definitions.js';
import { healthExitCode, healthLines, watchLine } from '../health-view.js';

/** The threshold flags of `health` and `top` as SDK options. */
export function thresholdOptions(flags: FlagsOf<'health'> | FlagsOf<'top'>): HealthOptions {
  return {
    maxRestarts: flags.maxRestarts,
    restartWindowMs: flags.restartWindow,
    checkpointAgeMs: flags.checkpointAge,
    backpressure: flags.backpressure,
    watermarkLagMs: flags.watermarkLag,
  };
}

/**
 * `flink-kit health <job> [--watch]`: status first, then the reasons, then the vertices. Exits 0
 * healthy, 13 degraded, 14 unhealthy, so a script can gate on it. `--watch` reads again every
 * `--interval` (restarts counted between reads) until the job ends or Ctrl-C; it exits with the
 * last status.
 */
const health: CommandRun<'health'> = async (cli, [jobId], flags) => {
  const flink = await cli.client();
  const options: HealthOptions = { ...thresholdOptions(flags), signal: cli.signal, stackTraces: flags.stackTraces === true };
  if (!flags.watch) {
    const report = await flink.jobs.health(jobId, options);
    await cli.out.result(report, () => healthLines(cli.out, report));
    return healthExitCode(report.status);
  }
  const interval = flags.interval ?? 5_000;
  const seen: HealthReport[] = [];
  let last: HealthReport | undefined;
  try {
    for (;;) {
      // Restarts are counted from the oldest read still within the window (the operator's way).
      const window = options.restartWindowMs ?? DEFAULT_HEALTH_THRESHOLDS.restartWindowMs;
      const now = last?.observedAt ?? 0;
      while ((seen[1]?.observedAt ?? Number.POSITIVE_INFINITY) <= now - window) seen.shift();
      const previous = seen[0];
      last = await flink.jobs.health(jobId, previous ? { ...options, previous } : options);
      seen.push(last);
      if (cli.out.json) cli.out.jsonLine(last);
      else cli.out.lines(watchLine(cli.out, last));
      if (TERMINAL_JOB_STATES.has(last.state)) break;
      await setTimeout(interval, undefined, { signal: cli.signal });
    }
  } catch (error) {
    // Ctrl-C ends a watch normally: with the last status.
    if (!(cli.signal.aborted && last)) throw error;
  }
  return last ? healthExitCode(last.status) : 0;
};

export default health;
