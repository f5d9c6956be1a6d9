/**
 * Real servers on 127.0.0.1 (port 0) for tests where the transport itself matters: refused
 * connections, raw TCP peers that are not HTTP (Flink's RPC port), HTML pages and TLS.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, connect, createServer as createTcpServer, type Socket } from 'node:net';
import { Agent } from 'undici';
import { certificate, type Pem } from './certificates.ts';

/** A running server and how to stop it. */
export interface LocalServer {
  port: number;
  /** `http://127.0.0.1:<port>` (or https). */
  url: string;
  /** Requests (HTTP) or connections (TCP) it received. */
  hits: number;
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

function track(server: Server | ReturnType<typeof createTcpServer>, scheme: string): Promise<LocalServer> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      const local: LocalServer = {
        port,
        url: `${scheme}://127.0.0.1:${port}`,
        hits: 0,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      };
      resolve(local);
    });
  });
}

/** An HTTP server on 127.0.0.1 answering with `handler`. */
export async function startHttp(handler: Handler): Promise<LocalServer> {
  let local: LocalServer | undefined;
  const server = createHttpServer((req, res) => {
    if (local) local.hits++;
    handler(req, res);
  });
  local = await track(server, 'http');
  return local;
}

/** An HTTPS server on 127.0.0.1 with the given key and certificate. */
export async function startHttps(tls: { key: string; cert: string }, handler: Handler): Promise<LocalServer> {
  let local: LocalServer | undefined;
  const server = createHttpsServer(tls, (req, res) => {
    if (local) local.hits++;
    handler(req, res);
  });
  local = await track(server, 'https');
  return local;
}

/** A raw TCP server (not HTTP) on 127.0.0.1; `onSocket` decides what each connection gets. */
export async function startTcp(onSocket: (socket: Socket) => void): Promise<LocalServer> {
  let local: LocalServer | undefined;
  const server = createTcpServer((socket) => {
    if (local) local.hits++;
    socket.on('error', () => undefined);
    onSocket(socket);
  });
  local = await track(server, 'tcp');
  return local;
}

/** A port on 127.0.0.1 that was just bound and released, so nothing listens there. */
export async function closedPort(): Promise<number> {
  const server = await startTcp(() => undefined);
  await server.close();
  return server.port;
}

/** A fresh self-signed key and certificate for 127.0.0.1. */
export function selfSignedCert(): Pem {
  return certificate({ subject: '/CN=127.0.0.1', altNames: ['IP:127.0.0.1'] });
}

/** Whether a TCP connection to `host`:`port` is accepted. */
export function canConnect(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * An undici Agent whose every connection goes to 127.0.0.1:`port`, whatever host and port the URL
 * names. Lets a test use a URL such as http://127.0.0.1:6123 without binding port 6123.
 */
export function agentTo(port: number): Agent {
  return new Agent({
    connect: (_options, callback) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => callback(null, socket));
      socket.once('error', (error) => callback(error, null));
    },
  });
}
