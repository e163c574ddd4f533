/**
 * A digest thread: keeps the hash state (MD5 and any requested checksums) of
 * each upload assigned to it and hashes its batches in arrival order, saying
 * when each is hashed so the main thread can refill it. A message it
 * does not understand is a bug: it throws, the thread dies and every upload
 * on it fails (digest-threads.ts) rather than end with a wrong digest.
 */
import { parentPort } from 'node:worker_threads';
import { ContentDigests } from '../s3/content-digests.js';
import type { DigestReply, DigestRequest } from './digest-messages.js';

const port = parentPort;
if (!port) throw new Error('digest-worker.js runs as a worker thread');

const uploads = new Map<number, ContentDigests>();

function reply(message: DigestReply): void {
  port!.postMessage(message);
}

function upload(id: number): ContentDigests {
  const digests = uploads.get(id);
  if (!digests) throw new Error(`digest worker: no upload ${id}`);
  return digests;
}

port.on('message', (message: DigestRequest) => {
  switch (message.op) {
    case 'open':
      uploads.set(message.id, new ContentDigests(message.algorithms));
      return;
    case 'update':
      upload(message.id).update(Buffer.from(message.batch, 0, message.length));
      reply({ op: 'hashed', id: message.id });
      return;
    case 'finish':
      reply({ op: 'result', id: message.id, values: upload(message.id).result() });
      uploads.delete(message.id);
      return;
    case 'close':
      uploads.delete(message.id);
      return;
    default:
      throw new Error(`digest worker: unknown message ${JSON.stringify(message)}`);
  }
});
