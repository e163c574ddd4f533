import { S3Error } from './errors.js';
import type { Tag } from './types.js';

/**
 * Object and bucket tag rules, as AWS S3 enforces them. No I/O here.
 *
 * - At most 10 tags on an object, 50 on a bucket: over the limit is
 *   400 BadRequest ("Object tags cannot be greater than 10" /
 *   "Bucket tag count cannot be greater than 50").
 * - A key is 1–128 characters, a value 0–256. S3 holds tags in UTF-16 and
 *   counts code units ("characters consume either 1 or 2 character
 *   positions"), which is what a JS string's length is.
 * - Characters: Unicode letters, numbers, white space (\p{Z}) and _ . : / = + - @.
 * - Keys are case-sensitive and unique in a set; the `aws:` prefix (any case)
 *   is reserved for AWS.
 * - Each bad tag is 400 InvalidTag naming the offending key (and value).
 *   S3 checks the tags one by one and the count only after all of them.
 */

export const MAX_OBJECT_TAGS = 10;
export const MAX_BUCKET_TAGS = 50;
export const MAX_TAG_KEY_LENGTH = 128;
export const MAX_TAG_VALUE_LENGTH = 256;

const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const RESERVED_PREFIX = /^aws:/i;

const COUNT_MESSAGES: Record<number, string> = {
  [MAX_OBJECT_TAGS]: `Object tags cannot be greater than ${MAX_OBJECT_TAGS}`,
  [MAX_BUCKET_TAGS]: `Bucket tag count cannot be greater than ${MAX_BUCKET_TAGS}`,
};

export function invalidTagKey(key: string): S3Error {
  return new S3Error('InvalidTag', { message: 'The TagKey you have provided is invalid', extra: { TagKey: key } });
}

function invalidTagValue(tag: Tag): S3Error {
  return new S3Error('InvalidTag', { message: 'The TagValue you have provided is invalid', extra: { TagKey: tag.key, TagValue: tag.value } });
}

function isValidKey(key: string): boolean {
  return key.length >= 1 && key.length <= MAX_TAG_KEY_LENGTH && TAG_CHARACTERS.test(key);
}

function isValidValue(value: string): boolean {
  return value.length <= MAX_TAG_VALUE_LENGTH && TAG_CHARACTERS.test(value);
}

/**
 * Throws the S3 error AWS answers for the first rule `tags` breaks, checking
 * each tag in order (key, reserved prefix, value, duplicate) and then the
 * count against `limit` (MAX_OBJECT_TAGS or MAX_BUCKET_TAGS).
 */
export function validateTags(tags: readonly Tag[], limit: number): void {
  const seen = new Set<string>();
  for (const tag of tags) {
    if (!isValidKey(tag.key)) throw invalidTagKey(tag.key);
    if (RESERVED_PREFIX.test(tag.key)) {
      throw new S3Error('InvalidTag', { message: 'Your TagKey cannot be prefixed with aws:', extra: { TagKey: tag.key } });
    }
    if (!isValidValue(tag.value)) throw invalidTagValue(tag);
    if (seen.has(tag.key)) {
      throw new S3Error('InvalidTag', { message: 'Cannot provide multiple Tags with the same key', extra: { TagKey: tag.key } });
    }
    seen.add(tag.key);
  }
  if (tags.length > limit) {
    throw new S3Error('BadRequest', { message: COUNT_MESSAGES[limit] ?? `Tag count cannot be greater than ${limit}` });
  }
}

const HEADER = 'x-amz-tagging';

function badHeader(value: string): S3Error {
  return new S3Error('InvalidArgument', {
    message: "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.",
    extra: { ArgumentName: HEADER, ArgumentValue: value },
  });
}

/** Form-urlencoded decoding: '+' is a space (what Python's urlencode writes), then %XX as UTF-8. */
function decodeComponent(text: string, header: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    throw badHeader(header);
  }
}

/**
 * Parses x-amz-tagging (PutObject, CopyObject with REPLACE,
 * CreateMultipartUpload): URL query form "k1=v1&k2=v2", in the order sent.
 * A key without '=' holds the empty value. Malformed encoding, a pair with
 * a second raw '=', an empty key or a repeated key is InvalidArgument (the
 * header's own error); the decoded tags then meet the object rules above.
 * `undefined` (no header) stays undefined; an empty header is no tags.
 */
export function parseTaggingHeader(value: string | undefined): Tag[] | undefined {
  if (value === undefined) return undefined;
  const tags: Tag[] = [];
  const seen = new Set<string>();
  for (const pair of value.split('&')) {
    if (pair === '') continue;
    const parts = pair.split('=');
    if (parts.length > 2) throw badHeader(value);
    const key = decodeComponent(parts[0], value);
    const tagValue = decodeComponent(parts[1] ?? '', value);
    if (key === '' || seen.has(key)) throw badHeader(value);
    seen.add(key);
    tags.push({ key, value: tagValue });
  }
  validateTags(tags, MAX_OBJECT_TAGS);
  return tags;
}

/** Serialises tags in the x-amz-tagging form, every character outside [A-Za-z0-9-_.~] percent-encoded. */
export function taggingHeaderValue(tags: readonly Tag[]): string {
  const encode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return tags.map((t) => `${encode(t.key)}=${encode(t.value)}`).join('&');
}

/** x-amz-tagging-count for GetObject/HeadObject: present only when the object has tags. */
export function taggingCountHeader(tags: readonly Tag[] | undefined): string | undefined {
  return tags && tags.length > 0 ? String(tags.length) : undefined;
}
