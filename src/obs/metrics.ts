import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics for the S3 front door, on a registry of their own (no globals). */
export class FrontDoorMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'cairn_s3_requests_total',
    help: 'S3 requests by operation and HTTP status',
    labelNames: ['operation', 'status'] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'cairn_s3_request_duration_seconds',
    help: 'S3 request latency from arrival to the last byte sent',
    labelNames: ['operation'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly bytesIn = new Counter({
    name: 'cairn_s3_received_bytes_total',
    help: 'Request body bytes received',
    labelNames: ['operation'] as const,
    registers: [this.registry],
  });
  readonly bytesOut = new Counter({
    name: 'cairn_s3_sent_bytes_total',
    help: 'Response body bytes sent',
    labelNames: ['operation'] as const,
    registers: [this.registry],
  });
  readonly inFlight = new Gauge({
    name: 'cairn_s3_requests_in_flight',
    help: 'S3 requests being served now',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'cairn_' });
  }

  observe(operation: string, status: number, seconds: number, bytesIn: number, bytesOut: number): void {
    this.requests.inc({ operation, status: String(status) });
    this.latency.observe({ operation }, seconds);
    if (bytesIn > 0) this.bytesIn.inc({ operation }, bytesIn);
    if (bytesOut > 0) this.bytesOut.inc({ operation }, bytesOut);
  }
}
