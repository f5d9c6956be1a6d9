import { z } from 'zod';

/** `GET /overview`. */
export const Overview = z
  .object({
    'flink-version': z.string(),
    'flink-commit': z.string().optional(),
    taskmanagers: z.number().int(),
    'slots-total': z.number().int(),
    'slots-available': z.number().int(),
    'jobs-running': z.number().int(),
    'jobs-finished': z.number().int(),
    'jobs-cancelled': z.number().int(),
    'jobs-failed': z.number().int(),
  })
  .transform((w) => ({
    flinkVersion: w['flink-version'],
    flinkCommit: w['flink-commit'],
    taskManagers: w.taskmanagers,
    slotsTotal: w['slots-total'],
    slotsAvailable: w['slots-available'],
    jobsRunning: w['jobs-running'],
    jobsFinished: w['jobs-finished'],
    jobsCancelled: w['jobs-cancelled'],
    jobsFailed: w['jobs-failed'],
  }));
/** Cluster overview: version, TaskManagers, slots and job counts. */
export type Overview = z.output<typeof Overview>;

/** `GET /config` (the web UI's dashboard configuration). */
export const DashboardConfig = z
  .object({
    'flink-version': z.string(),
    'flink-revision': z.string().optional(),
    'refresh-interval': z.number().optional(),
    'timezone-name': z.string().optional(),
    'timezone-offset': z.number().optional(),
    features: z
      .object({
        'web-submit': z.boolean().optional(),
        'web-cancel': z.boolean().optional(),
        'web-history': z.boolean().optional(),
        'web-rescale': z.boolean().optional(),
      })
      .optional(),
  })
  .transform((w) => ({
    flinkVersion: w['flink-version'],
    flinkRevision: w['flink-revision'],
    refreshIntervalMs: w['refresh-interval'],
    timezoneName: w['timezone-name'],
    timezoneOffsetMs: w['timezone-offset'],
    features: {
      webSubmit: w.features?.['web-submit'] ?? true,
      webCancel: w.features?.['web-cancel'] ?? true,
      webHistory: w.features?.['web-history'] ?? false,
      webRescale: w.features?.['web-rescale'] ?? false,
    },
  }));
/** The dashboard configuration: version and which web features (jar submission, cancel) are on. */
export type DashboardConfig = z.output<typeof DashboardConfig>;

const Resource = z
  .object({
    cpuCores: z.number().optional(),
    taskHeapMemory: z.number().optional(),
    taskOffHeapMemory: z.number().optional(),
    managedMemory: z.number().optional(),
    networkMemory: z.number().optional(),
  })
  .optional();

/** `GET /taskmanagers`. */
export const TaskManagers = z
  .object({
    taskmanagers: z.array(
      z.object({
        id: z.string(),
        path: z.string().optional(),
        dataPort: z.number().optional(),
        timeSinceLastHeartbeat: z.number().optional(),
        slotsNumber: z.number().int(),
        freeSlots: z.number().int(),
        totalResource: Resource,
        freeResource: Resource,
        blocked: z.boolean().optional(),
      }),
    ),
  })
  .transform((w) =>
    w.taskmanagers.map((tm) => ({
      id: tm.id,
      path: tm.path,
      dataPort: tm.dataPort,
      lastHeartbeat: tm.timeSinceLastHeartbeat,
      slotsTotal: tm.slotsNumber,
      slotsFree: tm.freeSlots,
      totalResource: tm.totalResource,
      freeResource: tm.freeResource,
      blocked: tm.blocked ?? false,
    })),
  );
/** One registered TaskManager. */
export type TaskManager = z.output<typeof TaskManagers>[number];

/** `GET /jobmanager/config`: `[{ key, value }]` turned into a record. */
export const JobManagerConfig = z
  .array(z.object({ key: z.string(), value: z.string() }))
  .transform((entries) => Object.fromEntries(entries.map((e) => [e.key, e.value])) as Record<string, string>);

/** The slots of `GET /taskmanagers/:id` (the rest of its details is not modelled). */
export const TaskManagerSlots = z
  .object({ allocatedSlots: z.array(z.object({ jobId: z.string() })).optional() })
  .transform((w) => ({ allocatedSlots: (w.allocatedSlots ?? []).map((s) => ({ jobId: s.jobId })) }));
/** Which jobs a TaskManager's slots are allocated to. */
export type TaskManagerSlots = z.output<typeof TaskManagerSlots>;
