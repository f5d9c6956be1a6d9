import { FlinkError, type FlinkErrorOptions } from './flink-error.js';

/**
 * A savepoint, checkpoint, stop-with-savepoint or disposal finished with a failure, or its result
 * expired on the server (`rest.async.store-duration`).
 */
export class FlinkOperationError extends FlinkError {
  /** Which operation: `savepoint`, `stop`, `checkpoint` or `disposal`. */
  readonly operation: string;
  /** Flink's failure cause as sent (class and message), when there was one. */
  readonly failureCause: string | undefined;
  /** The innermost cause from Flink's stack trace, in short form. */
  readonly rootCause: string | undefined;
  /** A savepoint that was written although the operation failed afterwards (stop-with-savepoint). */
  readonly savepointPath: string | undefined;

  constructor(
    message: string,
    init: FlinkErrorOptions & {
      operation: string;
      failureCause?: string | undefined;
      rootCause?: string | undefined;
      savepointPath?: string | undefined;
    },
  ) {
    super(message, init);
    this.operation = init.operation;
    this.failureCause = init.failureCause;
    this.rootCause = init.rootCause;
    this.savepointPath = init.savepointPath;
  }
}

/**
 * `upgrade()` could not bring the new job up after the old one was stopped. Says what failed and
 * whether the rollback (the previous jar, started from the same savepoint) ran; always carries the
 * savepoint path. The failure is the `cause`.
 */
export class FlinkUpgradeError extends FlinkError {
  /** The job that was stopped with a savepoint. */
  readonly previousJobId: string;
  /** The savepoint taken from it: restore from here by hand if nothing runs. */
  readonly savepointPath: string;
  /** The new job, when it was created. */
  readonly failedJobId: string | undefined;
  /** True when the previous jar runs again from the savepoint. */
  readonly rolledBack: boolean;
  /** The job started by the rollback. */
  readonly rollbackJobId: string | undefined;

  constructor(
    message: string,
    init: FlinkErrorOptions & {
      previousJobId: string;
      savepointPath: string;
      failedJobId?: string | undefined;
      rolledBack: boolean;
      rollbackJobId?: string | undefined;
    },
  ) {
    super(message, init);
    this.previousJobId = init.previousJobId;
    this.savepointPath = init.savepointPath;
    this.failedJobId = init.failedJobId;
    this.rolledBack = init.rolledBack;
    this.rollbackJobId = init.rollbackJobId;
  }
}

/** The job reached FAILED (or another terminal state that was not awaited) while it was waited for. */
export class FlinkJobFailedError extends FlinkError {
  /** The job's id. */
  readonly jobId: string;
  /** The state the job reached, e.g. `FAILED`. */
  readonly state: string;
  /** The root cause from the job's exception history, in short form, when known. */
  readonly rootCause: string | undefined;

  constructor(message: string, init: FlinkErrorOptions & { jobId: string; state: string; rootCause?: string | undefined }) {
    super(message, init);
    this.jobId = init.jobId;
    this.state = init.state;
    this.rootCause = init.rootCause;
  }
}

/** The requested parallelism needs more slots than the cluster has free. Thrown before anything runs. */
export class InsufficientSlotsError extends FlinkError {
  /** Slots needed (the requested parallelism). */
  readonly requested: number;
  /** Free slots at the time of the check. */
  readonly available: number;
  /** Total slots of the cluster. */
  readonly total: number;
  /** Number of registered TaskManagers. */
  readonly taskManagers: number;

  constructor(init: {
    requested: number;
    available: number;
    total: number;
    taskManagers: number;
    slotsPerTaskManager?: number | undefined;
  }) {
    const shape =
      init.slotsPerTaskManager === undefined
        ? `${init.taskManagers} TaskManagers`
        : `${init.taskManagers} TaskManagers x ${init.slotsPerTaskManager}`;
    const free = init.available === init.total ? '' : `, ${init.available} of them free`;
    super(
      `parallelism ${init.requested} needs ${init.requested} slots, the cluster has ${init.total} (${shape})${free}. ` +
        'Lower the parallelism, add TaskManagers or slots (taskmanager.numberOfTaskSlots), wait for running jobs to end, ' +
        'or pass checkSlots: false if a reactive/adaptive cluster will scale up.',
    );
    this.requested = init.requested;
    this.available = init.available;
    this.total = init.total;
    this.taskManagers = init.taskManagers;
  }

  /**
   * The one slot check of `submit`, `upgrade` and `rescale`: throws when `requested` slots are more
   * than the cluster's free ones plus `freed` (the slots the job itself holds or gives up).
   * @example InsufficientSlotsError.check(await flink.cluster.capacity(), 4);
   */
  static check(
    capacity: { taskManagers: number; slotsTotal: number; slotsAvailable: number; slotsPerTaskManager?: number | undefined },
    requested: number,
    freed = 0,
  ): void {
    const available = capacity.slotsAvailable + freed;
    if (requested <= available) return;
    const { slotsTotal: total, taskManagers, slotsPerTaskManager } = capacity;
    throw new InsufficientSlotsError({ requested, available, total, taskManagers, slotsPerTaskManager });
  }
}
