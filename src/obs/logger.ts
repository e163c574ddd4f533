import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * The process logger. Redaction is a second line of defence: nothing that
 * logs should ever pass credentials, but if a header object slips through,
 * these paths are censored.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: undefined,
    redact: {
      paths: ['authorization', 'headers.authorization', '*.authorization', 'secretAccessKey', '*.secretAccessKey', 'rootPassword', '*.rootPassword'],
      censor: '[redacted]',
    },
  });
}
