import { serve } from '@hono/node-server';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';
import type { FrontDoorDeps } from './context.js';

export interface RunningServer {
  /** The bound port (useful when asked for port 0). */
  port: number;
  host: string;
  /**
   * Graceful stop: refuse new connections, let in-flight requests finish for
   * up to `timeoutMs`, then cut what remains.
   */
  stop(timeoutMs: number): Promise<void>;
}

export function startServer(deps: FrontDoorDeps, host: string, port: number): Promise<RunningServer> {
  const app = createApp(deps);
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port, autoCleanupIncoming: false, overrideGlobalObjects: false }, (info: AddressInfo) => {
      resolve({ port: info.port, host, stop: (timeoutMs) => stopServer(server as Server, timeoutMs) });
    }) as Server;
    // Uploads of large objects may take long; idleness is policed per body instead (RequestTimeout).
    server.requestTimeout = 0;
    server.headersTimeout = 60_000;
    server.keepAliveTimeout = 5_000;
    server.once('error', reject);
    answerProtocolErrorsAfterPendingResponses(server);
  });
}

/**
 * Node answers unparseable bytes on a connection (for example body bytes
 * beyond a too-small Content-Length) with a bare 400 and an immediate
 * destroy, which would also kill the S3 error reply still being prepared
 * for the request before them. When that request's body was complete, let
 * its reply go out first, then close. Otherwise (a client that hung up
 * mid-body: the parser reports the early EOF here) destroy at once, so the
 * request aborts and its upload is discarded.
 */
function answerProtocolErrorsAfterPendingResponses(server: Server): void {
  const pending = new WeakMap<Socket, { req: IncomingMessage; res: ServerResponse }>();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    pending.set(req.socket, { req, res });
    res.once('close', () => pending.delete(req.socket));
  });
  server.on('clientError', (_err: Error, socket: Socket) => {
    const current = pending.get(socket);
    if (current && current.req.complete && !current.res.writableFinished) {
      current.res.once('close', () => socket.destroy());
      return;
    }
    if (!current && socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
}

function stopServer(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const deadline = setTimeout(() => server.closeAllConnections(), timeoutMs);
    // Keep-alive connections go idle as their last request finishes: close them as they do.
    const sweeper = setInterval(() => server.closeIdleConnections(), 50);
    server.close(() => {
      clearTimeout(deadline);
      clearInterval(sweeper);
      resolve();
    });
    server.closeIdleConnections();
  });
}
