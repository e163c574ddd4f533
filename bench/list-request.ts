/**
 * One signed ListObjectsV2 request over keep-alive, and the few fields the
 * listing bench needs from its XML (no XML parser: the bench measures the
 * server, and these elements are flat and unambiguous).
 */
import { request, type Agent } from 'node:http';
import { EMPTY_SHA256, encodeSegment, objectPath, type SigV4Signer } from './sigv4.js';

export interface ListParams {
  prefix?: string;
  delimiter?: string;
  continuationToken?: string;
  maxKeys?: number;
}

export interface ListPage {
  keys: number;
  commonPrefixes: number;
  nextToken?: string;
}

/** The canonical query string: names sorted, names and values encoded as SigV4 wants them, sent as is. */
function queryOf(params: ListParams): string {
  const pairs: [string, string][] = [['list-type', '2'], ['max-keys', String(params.maxKeys ?? 1000)]];
  if (params.prefix !== undefined) pairs.push(['prefix', params.prefix]);
  if (params.delimiter !== undefined) pairs.push(['delimiter', params.delimiter]);
  if (params.continuationToken !== undefined) pairs.push(['continuation-token', params.continuationToken]);
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return pairs.map(([k, v]) => `${encodeSegment(k)}=${encodeSegment(v)}`).join('&');
}

function unescapeXml(text: string): string {
  return text.replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e] ?? '');
}

function count(xml: string, tag: string): number {
  let n = 0;
  for (let at = xml.indexOf(tag); at >= 0; at = xml.indexOf(tag, at + tag.length)) n++;
  return n;
}

export function listPage(agent: Agent, signer: SigV4Signer, port: number, bucket: string, params: ListParams): Promise<ListPage> {
  const path = objectPath(bucket);
  const query = queryOf(params);
  const host = `127.0.0.1:${port}`;
  const headers = signer.sign('GET', host, path, EMPTY_SHA256, new Date(), query);
  return new Promise((resolve, reject) => {
    const req = request({ agent, host: '127.0.0.1', port, method: 'GET', path: `${path}?${query}`, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const xml = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) {
          reject(new Error(`ListObjectsV2 ${bucket}?${query} answered ${res.statusCode}: ${xml.slice(0, 600)}`));
          return;
        }
        const token = /<NextContinuationToken>([^<]*)<\/NextContinuationToken>/.exec(xml);
        const truncated = xml.includes('<IsTruncated>true</IsTruncated>');
        resolve({
          keys: count(xml, '<Key>'),
          commonPrefixes: count(xml, '<CommonPrefixes>'),
          nextToken: truncated && token ? unescapeXml(token[1]) : undefined,
        });
      });
    });
    req.on('error', reject);
    req.end();
  });
}
