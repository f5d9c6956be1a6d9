/**
 * A TCP relay between kwok's port-forward target and a real local Flink. kwok keeps a deleted
 * pod's open streams alive, where a real kubelet cuts them with the container: cut() resets every
 * connection opened so far, as the kernel does to a dead container's sockets, so a test sees what
 * production sees when the JobManager pod goes. (kwok ends a stream only once both directions
 * ended: after a reset, at the next write into it.)
 */
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';

export interface Relay {
  port: number;
  /** Connections open now. */
  open(): number;
  /** Connections accepted so far. */
  accepted(): number;
  /** Resets every connection open now (new ones keep working). */
  cut(): void;
  close(): Promise<void>;
}

export async function startRelay(targetPort: number): Promise<Relay> {
  const open = new Set<Socket>();
  let accepted = 0;
  const server = createServer((inbound) => {
    accepted++;
    const outbound = connect(targetPort, '127.0.0.1');
    open.add(inbound);
    const done = () => {
      open.delete(inbound);
      inbound.destroy();
      outbound.destroy();
    };
    inbound.on('error', done).on('close', done);
    outbound.on('error', done).on('close', done);
    inbound.pipe(outbound);
    outbound.pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    open: () => open.size,
    accepted: () => accepted,
    cut: () => {
      for (const socket of open) socket.resetAndDestroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
