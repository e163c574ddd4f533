import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
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
