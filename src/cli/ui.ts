import type { UploadProgress } from '../index.js';
import { formatBytes, isInteractive } from './output.js';

/** A spinner line on stderr while something is awaited. */
export interface Spinner {
  /** Shows the spinner (again). */
  start(): void;
  /** Changes the text next to the spinner. */
  text(text: string): void;
  /** Removes the spinner line. */
  stop(): void;
}

/** A progress bar on stderr (jar uploads). */
export interface ProgressBar {
  /** Feeds the bar (the `onProgress` of an upload). */
  update(progress: UploadProgress): void;
  /** Removes the bar. */
  stop(): void;
}

const NONE = { start() {}, text() {}, stop() {}, update() {} };

/**
 * A spinner on stderr, only when stderr is a terminal; otherwise it does nothing. The library is
 * loaded only then. Call `start()` to show it.
 */
export async function createSpinner(text: string): Promise<Spinner> {
  if (!isInteractive(process.stderr)) return NONE;
  const { default: yoctoSpinner } = await import('yocto-spinner');
  const spinner = yoctoSpinner({ text, stream: process.stderr });
  return {
    start() {
      if (!spinner.isSpinning) spinner.start();
    },
    text(t) {
      spinner.text = t;
    },
    stop() {
      if (!spinner.isSpinning) return;
      spinner.clear();
      spinner.stop();
    },
  };
}

/** Runs `work` with a spinner showing `text` (nothing when stderr is not a terminal). */
export async function spin<T>(text: string, work: (spinner: Spinner) => Promise<T>): Promise<T> {
  const spinner = await createSpinner(text);
  spinner.start();
  try {
    return await work(spinner);
  } finally {
    spinner.stop();
  }
}

/** A progress bar for an upload of `label`, only when stderr is a terminal; otherwise nothing at all. */
export async function startProgressBar(label: string): Promise<ProgressBar> {
  if (!isInteractive(process.stderr)) return NONE;
  const { default: progress } = await import('cli-progress');
  const bar = new progress.SingleBar(
    {
      stream: process.stderr,
      format: `uploading ${label} {bar} {percentage}% {done} of {size}`,
      barsize: 30,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 20,
    },
    progress.Presets.shades_classic,
  );
  let started = false;
  return {
    update({ loaded, total }) {
      const payload = { done: formatBytes(loaded), size: total === undefined ? '?' : formatBytes(total) };
      if (!started) {
        bar.start(total ?? 0, loaded, payload);
        started = true;
      } else {
        if (total !== undefined) bar.setTotal(total);
        bar.update(loaded, payload);
      }
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}
