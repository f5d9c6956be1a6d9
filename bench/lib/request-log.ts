/**
 * Times every HTTP request undici makes in this process, through its diagnostics channels (nothing
 * in the client changes: the figures time the code users run).
 */
import { subscribe } from 'node:diagnostics_channel';

/** One request: what, and when it was created and answered (epoch ms). */
export interface TimedRequest {
  what: string;
  start: number;
  end: number | undefined;
}

/** Starts recording; returns the live list. */
export function recordRequests(): TimedRequest[] {
  const log: TimedRequest[] = [];
  const open = new WeakMap<object, TimedRequest>();
  const now = () => performance.timeOrigin + performance.now();
  subscribe('undici:request:create', (message) => {
    const { request } = message as { request: { method: string; path: string } };
    const entry = { what: `${request.method} ${request.path.replace(/^\/v1/, '')}`, start: now(), end: undefined };
    open.set(request, entry);
    log.push(entry);
  });
  const done = (message: unknown) => {
    const entry = open.get((message as { request: object }).request);
    if (entry && entry.end === undefined) entry.end = now();
  };
  subscribe('undici:request:trailers', done);
  subscribe('undici:request:error', done);
  return log;
}
