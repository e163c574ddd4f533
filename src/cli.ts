#!/usr/bin/env node
import { runAdminCommand } from './admin-cli.js';
import { parseArgs } from './config/cli.js';
import { loadConfig } from './config/load.js';
import { ConfigError, type CairnConfig } from './config/schema.js';
import { startCairn } from './main.js';

const VERSION = '0.1.0';

function banner(config: CairnConfig, port: number): string {
  const host = config.address.host === '0.0.0.0' || config.address.host === '::' ? '127.0.0.1' : config.address.host;
  const endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const lines = [`cairn ${VERSION} listening on ${endpoint}`, `  S3 endpoint: ${endpoint}   region: ${config.region}`];
  if (config.credentialsAreDefault) {
    lines.push(`  credentials: ${config.rootUser} / ${config.rootPassword}   (defaults: loopback only)`);
  } else {
    lines.push(`  credentials: access key ${config.rootUser} (secret as configured)`);
  }
  for (const [name, backend] of Object.entries(config.backends)) {
    const where = backend.type === 'local' ? backend.root : `${backend.volumes.length} drive${backend.volumes.length === 1 ? '' : 's'}, ${backend.volumes.join(' ')}`;
    lines.push(`  backend ${name}: ${backend.type} at ${where}`);
  }
  // The default secret is public knowledge and loopback-only; a configured one is never printed.
  const secret = config.credentialsAreDefault ? config.rootPassword : '<your secret>';
  lines.push(`  try: AWS_ACCESS_KEY_ID=${config.rootUser} AWS_SECRET_ACCESS_KEY=${secret} aws --endpoint-url ${endpoint} s3 ls`);
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const command = parseArgs(argv);
  switch (command.kind) {
    case 'help':
      process.stdout.write(command.text);
      return 0;
    case 'version':
      process.stdout.write(`cairn ${VERSION}\n`);
      return 0;
    case 'error':
      process.stderr.write(`${command.message}\n`);
      return 2;
    case 'admin':
      return runAdminCommand(command.args, process.env, {
        out: (text) => process.stdout.write(text),
        err: (text) => process.stderr.write(text),
      });
    case 'server':
      break;
  }
  let config: CairnConfig;
  try {
    config = loadConfig({ flags: command.flags, env: process.env, cwd: process.cwd() });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`cairn: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const cairn = await startCairn(config);
  process.stdout.write(`${banner(config, cairn.server.port)}\n`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      process.stdout.write(`cairn: ${signal} received, shutting down\n`);
      cairn.shutdown().then(resolve, resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`cairn: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
