import type { HttpBindings } from '@hono/node-server';
import type { AdminService } from '../backends/admin-service.js';
import type { IncomingBody } from '../backends/backend.js';
import type { BackendRegistry } from '../backends/registry.js';
import type { CredentialStore, Principal } from '../iam/credentials.js';
import type { Logger } from '../obs/logger.js';
import type { FrontDoorMetrics } from '../obs/metrics.js';
import type { Operation } from './router.js';
import type { RequestRecord } from './s3-handler.js';

/** Hono's typing of our app: Node bindings, and the per-request record the tracking middleware keeps. */
export type FrontDoorEnv = { Bindings: HttpBindings; Variables: { record: RequestRecord } };

/** Settings the front door needs, taken from the validated config. */
export interface FrontDoorSettings {
  region: string;
  domains: string[];
  /** Cap on XML request bodies (DeleteObjects, CreateBucket, …). */
  maxXmlBodyBytes: number;
  /** A request body that sends nothing for this long fails with RequestTimeout. */
  requestIdleTimeoutMs: number;
  /** Bearer token for /metrics; undefined with `metricsPublic` false means metrics are refused. */
  metricsToken?: string;
  metricsPublic: boolean;
}

/** Everything handlers may use: storage through the registry, never the filesystem. */
export interface FrontDoorDeps {
  registry: BackendRegistry;
  credentials: CredentialStore;
  settings: FrontDoorSettings;
  logger: Logger;
  metrics: FrontDoorMetrics;
  /** Flips to false when shutdown starts, so readiness probes fail first. */
  ready(): boolean;
  /** The admin API's view of storage (admin-routes.ts); absent: admin calls answer NotImplemented. */
  admin?: AdminService;
}

/** One authenticated S3 request, as handlers see it. */
export interface S3Request {
  id: string;
  op: Operation;
  method: string;
  /** The path as received (percent-encoded), used as the error Resource. */
  rawPath: string;
  query: URLSearchParams;
  /** Lower-cased header names; repeated headers joined with ','. */
  headers: Record<string, string | undefined>;
  principal: Principal;
  /** Fires when the client disconnects before the response is done. */
  signal: AbortSignal;
  /** The verified request body as a stream (built once). */
  body(): IncomingBody;
  /** A small request body (XML), capped at `maxBytes`, verified like any other body. */
  readSmallBody(maxBytes: number): Promise<Buffer>;
  /** Whether the request carried a body at all. */
  hasBody(): boolean;
}
