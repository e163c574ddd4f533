/**
 * `cairn admin info` and `cairn admin heal`: one SigV4-signed call to the
 * admin API of a running server (signed with src/iam's own code), printed
 * as a readable report or as the server's JSON.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AdminBackendInfo, AdminDriveInfo, AdminInfo, HealReport, ScannerStatus } from './backends/admin-service.js';
import type { AdminArgs } from './config/admin-args.js';
import { EMPTY_SHA256 } from './iam/crypto-util.js';
import { signV4Headers, type SigningCredentials } from './iam/sigv4-sign.js';
import { uriEncode } from './iam/uri-encoding.js';

export const DEFAULT_ADMIN_ENDPOINT = 'http://127.0.0.1:9000';
const ADMIN_PATH = '/_cairn/admin/v1/';

export interface AdminOutput {
  out(text: string): void;
  err(text: string): void;
}

type Env = Record<string, string | undefined>;

function firstSet(env: Env, ...names: string[]): string | undefined {
  for (const name of names) if (env[name]) return env[name];
  return undefined;
}

function credentialsFrom(env: Env): SigningCredentials | undefined {
  const cairn = { accessKeyId: env.CAIRN_ROOT_USER, secretAccessKey: env.CAIRN_ROOT_PASSWORD };
  const aws = { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY };
  for (const c of [cairn, aws]) if (c.accessKeyId && c.secretAccessKey) return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey };
  return undefined;
}

function queryFor(args: AdminArgs): string {
  if (args.action !== 'heal') return '';
  const params: [string, string][] = [];
  if (args.bucket !== undefined) params.push(['bucket', args.bucket]);
  if (args.prefix !== undefined) params.push(['prefix', args.prefix]);
  params.push(['scan', args.deep ? 'deep' : 'normal']);
  return params.map(([name, value]) => `${name}=${uriEncode(value)}`).join('&');
}

interface HttpAnswer {
  status: number;
  body: string;
}

function send(url: URL, method: string, headers: Record<string, string>): Promise<HttpAnswer> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { ...headers, 'content-length': '0' } }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function xmlField(xml: string, name: string): string | undefined {
  return new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
}

/** Runs one admin command; resolves to the process exit code. */
export async function runAdminCommand(args: AdminArgs, env: Env, io: AdminOutput): Promise<number> {
  const credentials = credentialsFrom(env);
  if (!credentials) {
    io.err('cairn admin: no credentials: set CAIRN_ROOT_USER and CAIRN_ROOT_PASSWORD (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)\n');
    return 2;
  }
  let base: URL;
  try {
    base = new URL(args.endpoint ?? firstSet(env, 'CAIRN_ENDPOINT') ?? DEFAULT_ADMIN_ENDPOINT);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error('not http');
  } catch {
    io.err(`cairn admin: endpoint "${args.endpoint ?? env.CAIRN_ENDPOINT}" is not an http(s) URL\n`);
    return 2;
  }
  const rawPath = `${ADMIN_PATH}${args.action}`;
  const rawQuery = queryFor(args);
  const method = args.action === 'heal' ? 'POST' : 'GET';
  const region = firstSet(env, 'CAIRN_REGION', 'AWS_REGION', 'AWS_DEFAULT_REGION') ?? 'us-east-1';
  const headers = signV4Headers({ method, rawPath, rawQuery, host: base.host, payloadHash: EMPTY_SHA256, region }, credentials);
  const url = new URL(`${rawPath}${rawQuery === '' ? '' : `?${rawQuery}`}`, base);
  let answer: HttpAnswer;
  try {
    answer = await send(url, method, headers);
  } catch (err) {
    io.err(`cairn admin: cannot reach ${base.origin}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  if (answer.status !== 200) {
    const code = xmlField(answer.body, 'Code') ?? `HTTP ${answer.status}`;
    const message = xmlField(answer.body, 'Message') ?? answer.body.slice(0, 200);
    io.err(`cairn admin: ${code}: ${message}\n`);
    return 1;
  }
  if (args.action === 'info') {
    io.out(args.json ? answer.body : formatInfo(JSON.parse(answer.body) as AdminInfo));
    return 0;
  }
  const report = JSON.parse(answer.body) as HealReport;
  io.out(args.json ? answer.body : formatHealReport(report, args));
  return report.failed > 0 ? 1 : 0;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

function formatDrive(drive: AdminDriveInfo): string {
  const state = drive.state.padEnd(7);
  const usage = drive.usage ? `  used ${formatBytes(drive.usage.usedBytes)} of ${formatBytes(drive.usage.totalBytes)}, ${formatBytes(drive.usage.freeBytes)} free` : '';
  const reason = drive.reason ? `  (${drive.reason})` : '';
  return `    drive ${drive.position}  ${state}  ${drive.root}${drive.id ? `  id ${drive.id}` : ''}${usage}${reason}\n`;
}

function formatScanner(scanner: ScannerStatus): string {
  const head = `  scanner: ${scanner.running ? 'running' : 'idle'}, ${scanner.cycles} cycle${scanner.cycles === 1 ? '' : 's'} done, heal queue ${scanner.healQueueLength}`;
  const last = scanner.lastCycle;
  if (!last || scanner.lastCycleStartedAt === undefined) return `${head}\n`;
  return `${head}\n    last cycle ${scanner.lastCycleStartedAt} (${scanner.lastCycleDurationMs} ms): scanned ${last.scanned}, healthy ${last.healthy}, healed ${last.healed}, failed ${last.failed}\n`;
}

function formatBackend(backend: AdminBackendInfo): string {
  let text = `backend ${backend.name} (${backend.type})${backend.deploymentId ? `  deployment ${backend.deploymentId}` : ''}\n`;
  if (backend.sets) {
    const parity = Object.entries(backend.parity ?? {})
      .map(([storageClass, n]) => `${storageClass} EC:${n}`)
      .join(', ');
    text += `  ${backend.setCount} set${backend.setCount === 1 ? '' : 's'} of ${backend.setDriveCount} drives; parity ${parity}`;
    text += backend.buckets === undefined ? '\n' : `; ${backend.buckets} bucket${backend.buckets === 1 ? '' : 's'}\n`;
    for (const set of backend.sets) {
      const online = set.drives.filter((d) => d.state === 'online').length;
      text += `  set ${set.index}: ${online}/${set.drives.length} drives online\n`;
      for (const drive of set.drives) text += formatDrive(drive);
    }
  }
  if (backend.scanner) text += formatScanner(backend.scanner);
  if (backend.listingIndex) text += `  listing index: ${backend.listingIndex.state}${backend.listingIndex.rebuiltKeys === undefined ? '' : `, ${backend.listingIndex.rebuiltKeys} keys rebuilt`}\n`;
  return text;
}

export function formatInfo(info: AdminInfo): string {
  return info.backends.map(formatBackend).join('\n');
}

export function formatHealReport(report: HealReport, args: Pick<AdminArgs, 'bucket' | 'prefix' | 'deep'>): string {
  const scope = args.bucket === undefined ? 'every bucket' : `${args.bucket}${args.prefix === undefined ? '' : `/${args.prefix}*`}`;
  const lines = [
    `heal of ${scope} (${args.deep ? 'deep: every shard verified' : 'quick'}) took ${report.durationMs} ms`,
    `  objects scanned:   ${report.scanned}`,
    `  healthy:           ${report.healthy}`,
    `  healed:            ${report.healed}`,
    `  not healed:        ${report.failed}`,
    `  leftovers removed: ${report.removed}`,
    `  bucket records healed:   ${report.bucketsHealed}`,
    `  orphaned data removed:   ${report.orphansRemoved}`,
  ];
  if (report.failures.length > 0) {
    lines.push('not healed:');
    for (const failure of report.failures) lines.push(`  ${failure.bucket}/${failure.key}: ${failure.reason}`);
    if (report.failuresTruncated) lines.push(`  … and ${report.failed - report.failures.length} more`);
  }
  return `${lines.join('\n')}\n`;
}
