import { timingSafeEqual } from 'node:crypto';
import type { Context, Hono, Next } from 'hono';
import { carriesS3Credentials } from '../iam/authenticate.js';
import type { FrontDoorDeps, FrontDoorEnv } from './context.js';

/**
 * A request that carries S3 credentials is always S3 (a bucket may be named
 * "health" or "metrics"); only unsigned requests reach the probe routes.
 */
function isS3Signed(c: Context<FrontDoorEnv>): boolean {
  const url = c.env.incoming.url ?? '';
  const q = url.indexOf('?');
  const authorization = c.req.header('authorization');
  return carriesS3Credentials(authorization === undefined ? {} : { authorization }, q < 0 ? '' : url.slice(q + 1));
}

function tokenMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Health probes (unauthenticated by design: load balancers and orchestrators
 * cannot sign requests, and the answers reveal nothing but liveness) and
 * Prometheus metrics (a bearer token, or public when configured so).
 */
export function registerObservabilityRoutes(app: Hono<FrontDoorEnv>, deps: FrontDoorDeps): void {
  const probe = (healthy: () => boolean) => async (c: Context<FrontDoorEnv>, next: Next) => {
    if (isS3Signed(c)) return next();
    c.get('record').operation = 'Health';
    return c.body(null, healthy() ? 200 : 503);
  };
  const live = probe(() => true);
  const ready = probe(() => deps.ready());
  for (const method of ['GET', 'HEAD'] as const) {
    app.on(method, ['/health/live', '/minio/health/live'], live);
    app.on(method, ['/health/ready', '/minio/health/ready', '/minio/health/cluster', '/minio/health/cluster/read'], ready);
  }

  const metrics = async (c: Context<FrontDoorEnv>, next: Next) => {
    if (isS3Signed(c)) return next();
    c.get('record').operation = 'Metrics';
    const { metricsPublic, metricsToken } = deps.settings;
    const bearer = c.req.header('authorization')?.slice('Bearer '.length);
    if (!metricsPublic && (metricsToken === undefined || bearer === undefined || !tokenMatches(bearer, metricsToken))) {
      return c.text('metrics require a bearer token (see README: CAIRN_METRICS_TOKEN)\n', 403);
    }
    return c.body(await deps.metrics.registry.metrics(), 200, { 'content-type': deps.metrics.registry.contentType });
  };
  app.get('/metrics', metrics);
  app.get('/minio/v2/metrics/cluster', metrics);
  app.get('/minio/v2/metrics/node', metrics);
}
