import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { Hono, type Context } from 'hono';
import { registerAdminRoutes } from './admin-routes.js';
import type { FrontDoorDeps, FrontDoorEnv } from './context.js';
import { registerObservabilityRoutes } from './obs-routes.js';
import { newRequestId, serveS3, type RequestRecord } from './s3-handler.js';

/**
 * The Hono application: a request-tracking middleware (request id, access log,
 * metrics), the unauthenticated probe routes, and the S3 front door for
 * everything else. S3 replies are written straight to the Node response
 * (streams without a Web-stream copy), so Hono is told the response is sent.
 */
export function createApp(deps: FrontDoorDeps): Hono<FrontDoorEnv> {
  const app = new Hono<FrontDoorEnv>();

  app.use('*', async (c, next) => {
    const record: RequestRecord = { id: newRequestId(), operation: 'Unknown', status: 0, bytesIn: 0, bytesOut: 0 };
    c.set('record', record);
    const started = process.hrtime.bigint();
    deps.metrics.inFlight.inc();
    try {
      await next();
    } finally {
      deps.metrics.inFlight.dec();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (record.status === 0) record.status = c.res.status;
      deps.metrics.observe(record.operation, record.status, seconds, record.bytesIn, record.bytesOut);
      deps.logger.info(
        {
          requestId: record.id,
          method: c.req.method,
          operation: record.operation,
          bucket: record.bucket,
          key: record.key,
          status: record.status,
          bytesIn: record.bytesIn,
          bytesOut: record.bytesOut,
          ms: Math.round(seconds * 1e4) / 10,
        },
        'request',
      );
    }
  });

  registerObservabilityRoutes(app, deps);
  registerAdminRoutes(app, deps);

  app.all('*', async (c: Context<FrontDoorEnv>) => {
    await serveS3(c.env.incoming, c.env.outgoing, deps, c.get('record'));
    return RESPONSE_ALREADY_SENT;
  });

  return app;
}
