/**
 * Pure parsing of cairn's command line into a discriminated union; starting
 * anything is src/cli.ts's job. argv is process.argv.slice(2).
 */
import { parseAdminArgs, type AdminArgs } from './admin-args.js';
import type { ServerFlags } from './load.js';

export type CliCommand =
  | { kind: 'server'; flags: ServerFlags }
  | { kind: 'admin'; args: AdminArgs }
  | { kind: 'help'; text: string }
  | { kind: 'version' }
  | { kind: 'error'; message: string };

export const HELP_TEXT = `cairn — S3-compatible object store

Usage:
  cairn server [--address HOST:PORT] [--config FILE] [VOLUMES...]
  cairn admin info | cairn admin heal [BUCKET[/PREFIX]]   (cairn admin --help)
  cairn --help | cairn help | cairn server --help
  cairn --version

Server flags (a flag beats the environment, which beats the config file):
  --address HOST:PORT   where to listen: 127.0.0.1:9000 (default), :9000 (all
                        interfaces), [::1]:9000
  --config FILE         YAML config file; see config.example.yaml
  VOLUMES               drives (data directories), e.g. /mnt/disk{1...4}/cairn
                        (default ./data/drive{1...4}); objects are erasure-coded
                        across them (one drive works too, without parity)

Environment (aliases in brackets; empty values count as unset):
  CAIRN_ROOT_USER        root access key   [RUSTFS_ACCESS_KEY, MINIO_ROOT_USER, MINIO_ACCESS_KEY]
  CAIRN_ROOT_PASSWORD    root secret key, 8+ characters
                         [RUSTFS_SECRET_KEY, MINIO_ROOT_PASSWORD, MINIO_SECRET_KEY]
  CAIRN_VOLUMES          volumes, space- or comma-separated [RUSTFS_VOLUMES, MINIO_VOLUMES]
  CAIRN_ERASURE_SET_DRIVE_COUNT  drives per erasure set, 1-16 (default: the largest
                         divisor of the drive count up to 16)
                         [RUSTFS_ERASURE_SET_DRIVE_COUNT, MINIO_ERASURE_SET_DRIVE_COUNT]
  CAIRN_STORAGE_CLASS_STANDARD  parity drives per set, EC:n (default by set size:
                         4-5 drives EC:2, 6-7 EC:3, 8+ EC:4)
                         [RUSTFS_STORAGE_CLASS_STANDARD, MINIO_STORAGE_CLASS_STANDARD]
  CAIRN_STORAGE_CLASS_RRS  parity for REDUCED_REDUNDANCY, EC:n (default EC:1)
                         [RUSTFS_STORAGE_CLASS_RRS, MINIO_STORAGE_CLASS_RRS]
  CAIRN_ADDRESS          listen address [RUSTFS_ADDRESS, MINIO_ADDRESS]
  CAIRN_REGION           region, default us-east-1 [RUSTFS_REGION, MINIO_SITE_REGION, MINIO_REGION]
  CAIRN_DOMAIN           virtual-host domains, comma-separated [RUSTFS_SERVER_DOMAINS, MINIO_DOMAIN]
  CAIRN_CONFIG           config file, as --config
  CAIRN_LOG_LEVEL        fatal, error, warn, info (default), debug, trace, silent
  CAIRN_SHUTDOWN_TIMEOUT grace period on shutdown: 10s, 500ms or milliseconds
                         (default 10s) [MINIO_SHUTDOWN_TIMEOUT]
  CAIRN_REQUEST_IDLE_TIMEOUT  a request body silent this long fails (default 30s)
  CAIRN_METRICS_TOKEN    bearer token for /metrics (16+ characters)
  CAIRN_METRICS_PUBLIC   true to serve /metrics without a token (default false)
  CAIRN_MULTIPART_EXPIRY abort multipart uploads left incomplete this long:
                         7d (default), 24h, ...; 0 keeps them forever

Config file keys (camelCase): address, volumes, rootUser, rootPassword, region,
domains, backends, defaultBackend, bucketRoutes, logLevel, shutdownTimeoutMs,
maxXmlBodyBytes, requestIdleTimeoutMs, metricsToken, metricsPublic,
multipartExpiryMs, erasureSetDriveCount, storageClassStandard, storageClassRrs.
Unknown keys are an error.

The default credentials (cairnadmin/cairnadmin) are only accepted on a loopback
address; set CAIRN_ROOT_USER and CAIRN_ROOT_PASSWORD to listen on others.

Examples:
  cairn server /mnt/disk{1...4}/cairn
  CAIRN_ROOT_USER=admin CAIRN_ROOT_PASSWORD=change-me-now cairn server --address :9000 /srv/s3
  cairn server --config /etc/cairn/cairn.yaml
`;

const HELP_ARGS = new Set(['--help', '-h', 'help']);
const VALUE_FLAGS = { '--address': 'address', '--config': 'config' } as const;
type ValueFlag = keyof typeof VALUE_FLAGS;

function isValueFlag(name: string): name is ValueFlag {
  return Object.hasOwn(VALUE_FLAGS, name);
}

export function parseArgs(argv: readonly string[]): CliCommand {
  const [command, ...rest] = argv;
  if (command === undefined || HELP_ARGS.has(command)) return { kind: 'help', text: HELP_TEXT };
  if (command === '--version' || command === 'version') return { kind: 'version' };
  if (command === 'server') return parseServer(rest);
  if (command === 'admin') return parseAdminArgs(rest);
  const hint = command.startsWith('-') ? '' : ` (to serve a directory: cairn server ${command})`;
  return error(`unknown ${command.startsWith('-') ? 'option' : 'command'} "${command}"${hint}`, 'cairn --help');
}

function parseServer(args: readonly string[]): CliCommand {
  const flags: ServerFlags = {};
  const volumes: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      volumes.push(...args.slice(i + 1));
      break;
    }
    if (arg === '--help' || arg === '-h') return { kind: 'help', text: HELP_TEXT };
    if (!arg.startsWith('-') || arg === '-') {
      volumes.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    if (!isValueFlag(name)) return error(`unknown flag "${name}" for cairn server`, 'cairn server --help');
    const key = VALUE_FLAGS[name];
    if (flags[key] !== undefined) return error(`${name} given more than once`, 'cairn server --help');
    let value: string | undefined;
    if (eq >= 0) {
      value = arg.slice(eq + 1);
    } else {
      value = args[i + 1];
      // A following flag means the value was forgotten, not that it is "--config".
      if (value !== undefined && value.startsWith('--')) value = undefined;
      i++;
    }
    if (value === undefined || value === '') return error(`${name} needs a value`, 'cairn server --help');
    flags[key] = value;
  }
  if (volumes.length > 0) flags.volumes = volumes;
  return { kind: 'server', flags };
}

function error(problem: string, helpCommand: string): CliCommand {
  return { kind: 'error', message: `${problem}; run "${helpCommand}" for usage` };
}
