/**
 * Which erasure set holds an object: a stable hash of bucket and key, so
 * every request for one object (and every upload to that key) goes to the
 * same set without any lookup. Changing this function moves every object:
 * it is part of the on-disk format.
 */
import { crc32 } from 'node:zlib';

export function setIndexFor(bucket: string, key: string, setCount: number): number {
  return crc32(`${bucket}/${key}`) % setCount;
}
