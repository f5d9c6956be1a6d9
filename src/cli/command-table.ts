/**
 * The command table: one loader per command of `definitions.ts`, each importing the command's
 * module only when that command runs (so `--help` loads no SDK code, and `list` no upload, local or
 * Kubernetes code). Each module's default export is checked against its definition's arguments and
 * options.
 * @packageDocumentation
 */
import type { CommandRun } from './context.js';
import type { CommandName } from './definitions.js';

/** A command's module, imported when it runs. */
export type CommandLoader<N extends CommandName> = () => Promise<{ default: CommandRun<N> }>;

/** Every command's loader, by name. */
export type CommandTable = { readonly [N in CommandName]: CommandLoader<N> };

export const COMMANDS: CommandTable = {
  run: () => import('./commands/run.js'),
  sql: () => import('./commands/sql.js'),
  list: () => import('./commands/list.js'),
  status: () => import('./commands/status.js'),
  exceptions: () => import('./commands/exceptions.js'),
  cancel: () => import('./commands/cancel.js'),
  savepoint: () => import('./commands/savepoint.js'),
  stop: () => import('./commands/stop.js'),
  checkpoints: () => import('./commands/checkpoints.js'),
  checkpoint: () => import('./commands/checkpoint.js'),
  upgrade: () => import('./commands/upgrade.js'),
  rescale: () => import('./commands/rescale.js'),
  dispose: () => import('./commands/dispose.js'),
  jars: () => import('./commands/jars-list.js'),
  'jars list': () => import('./commands/jars-list.js'),
  'jars upload': () => import('./commands/jars-upload.js'),
  'jars delete': () => import('./commands/jars-delete.js'),
  cluster: () => import('./commands/cluster.js'),
  doctor: () => import('./commands/doctor.js'),
  health: () => import('./commands/health.js'),
  top: () => import('./commands/top.js'),
  'local up': () => import('./commands/local-up.js'),
  'local status': () => import('./commands/local-status.js'),
  'local down': () => import('./commands/local-down.js'),
};
