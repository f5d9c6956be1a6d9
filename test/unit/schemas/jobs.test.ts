import { describe, expect, it } from 'vitest';
import { allTasksRunning as tasksAllRunning, waitingTasks } from '../../../src/schemas/job-states.js';
import { JobDetails, JobExceptions } from '../../../src/schemas/jobs.js';
import { jobDetails, jobExceptions, vertex } from '../../fakes/flink-replies.js';

const allTasksRunning = (vertices: ReadonlyArray<string | Record<string, unknown>>) =>
  JobDetails.parse(jobDetails('RUNNING', vertices)).allTasksRunning;

describe('JobDetails.allTasksRunning', () => {
  it.each<[string, ReadonlyArray<string | Record<string, unknown>>, boolean]>([
    ['every vertex RUNNING', ['RUNNING', 'RUNNING'], true],
    ['RUNNING and FINISHED', ['FINISHED', 'RUNNING'], true],
    ['a vertex SCHEDULED', ['RUNNING', 'SCHEDULED'], false],
    ['a vertex DEPLOYING', ['RUNNING', 'DEPLOYING'], false],
    ['a vertex INITIALIZING', ['RUNNING', 'INITIALIZING'], false],
    ['all FINISHED (nothing runs)', ['FINISHED', 'FINISHED'], false],
    ['no vertices', [], false],
    [
      'a RUNNING vertex with a subtask still SCHEDULED',
      [vertex('Map', 'RUNNING', { parallelism: 2, tasks: { RUNNING: 1, SCHEDULED: 1 } })],
      false,
    ],
    ['a RUNNING vertex with a subtask FINISHED', [vertex('Map', 'RUNNING', { parallelism: 2, tasks: { RUNNING: 1, FINISHED: 1 } })], true],
  ])('%s -> %s', (_label, vertices, expected) => {
    expect(allTasksRunning(vertices)).toBe(expected);
  });
});

describe('JobExceptions', () => {
  it('takes the root cause of the newest history entry over the old root-exception field', () => {
    expect(JobExceptions.parse(jobExceptions()).rootCause).toBe('ArithmeticException: / by zero');
  });

  it('falls back to root-exception when there is no history (old servers)', () => {
    const parsed = JobExceptions.parse({ 'root-exception': 'java.lang.IllegalStateException: boom\n\tat a.B.c(B.java:1)' });
    expect(parsed.rootCause).toBe('IllegalStateException: boom');
    expect(parsed.entries).toEqual([]);
  });
});

describe('the one "tasks still waiting" rule', () => {
  it.each<[Record<string, number>, Array<[string, number]>, boolean]>([
    [{ RUNNING: 2, TOTAL: 2 }, [], true],
    [{ RUNNING: 1, FINISHED: 1, TOTAL: 2 }, [], true],
    [{ RUNNING: 1, SCHEDULED: 1, TOTAL: 2 }, [['SCHEDULED', 1]], false],
    [
      { RUNNING: 1, DEPLOYING: 1, INITIALIZING: 2, CREATED: 0 },
      [
        ['DEPLOYING', 1],
        ['INITIALIZING', 2],
      ],
      false,
    ],
    [{ FINISHED: 2, TOTAL: 2 }, [], false], // nothing runs
    [{}, [], false],
  ])('%j: waiting %j, all running %s', (tasks, waiting, running) => {
    expect(waitingTasks(tasks)).toEqual(waiting);
    expect(tasksAllRunning(tasks)).toBe(running);
  });
});
