import { S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import type { CairnConfig } from '../../src/config/schema.js';
import { startCairn, type Cairn } from '../../src/main.js';
import { createLogger } from '../../src/obs/logger.js';

export const ACCESS_KEY = 'testadmin';
export const SECRET_KEY = 'testsecret-123456';
export const REGION = 'us-east-1';

export interface TestServer {
  cairn: Cairn;
  config: CairnConfig;
  endpoint: string;
  port: number;
  dataDir: string;
  client(options?: { forcePathStyle?: boolean; secretAccessKey?: string; accessKeyId?: string }): S3Client;
  /** Environment for child processes (aws cli, boto3) pointed at this server. */
  childEnv(): NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

export interface TestServerOptions {
  /**
   * 'erasure' (the default, as for `npm start`): four drive folders
   * `${dataDir}/drive{1...4}`, 2 data + 2 parity. 'local': `dataDir` served
   * as a plain directory tree, for tests that inspect the local layout.
   */
  backend?: 'erasure' | 'local';
}

/** Starts the real server on a free loopback port over a fresh temporary data directory. */
export async function startTestServer(env: Record<string, string> = {}, options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'cairn-test-'));
  const volumes = options.backend === 'local' ? [dataDir] : [join(dataDir, 'drive{1...4}')];
  const configFile = options.backend === 'local' ? await localBackendConfig(dataDir) : undefined;
  const config = loadConfig({
    flags: { address: '127.0.0.1:0', volumes, config: configFile },
    env: { CAIRN_ROOT_USER: ACCESS_KEY, CAIRN_ROOT_PASSWORD: SECRET_KEY, CAIRN_LOG_LEVEL: 'silent', ...env },
    cwd: process.cwd(),
  });
  const cairn = await startCairn(config, createLogger(config.logLevel));
  const endpoint = `http://127.0.0.1:${cairn.server.port}`;
  return {
    cairn,
    config,
    endpoint,
    port: cairn.server.port,
    dataDir,
    client: (options = {}) =>
      new S3Client({
        endpoint,
        region: REGION,
        forcePathStyle: options.forcePathStyle ?? true,
        credentials: { accessKeyId: options.accessKeyId ?? ACCESS_KEY, secretAccessKey: options.secretAccessKey ?? SECRET_KEY },
        maxAttempts: 1,
      }),
    childEnv: () => ({
      ...process.env,
      AWS_ACCESS_KEY_ID: ACCESS_KEY,
      AWS_SECRET_ACCESS_KEY: SECRET_KEY,
      AWS_DEFAULT_REGION: REGION,
      AWS_ENDPOINT_URL: endpoint,
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_EC2_METADATA_DISABLED: 'true',
      CAIRN_ENDPOINT: endpoint,
    }),
    async stop() {
      await cairn.shutdown();
      await rm(dataDir, { recursive: true, force: true });
      if (configFile) await rm(configFile, { force: true });
    },
  };
}

/** A config file naming one local backend over `dataDir` (kept outside it, so it is not an object). */
async function localBackendConfig(dataDir: string): Promise<string> {
  const file = `${dataDir}.local-backend.yaml`;
  await writeFile(file, `backends:\n  default: { type: local, root: ${JSON.stringify(dataDir)} }\n`);
  return file;
}
