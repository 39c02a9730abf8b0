/**
 * serf carries a node's tags in its memberlist meta: 0xFF + a msgpack map of strings, at most
 * 512 bytes, and a larger meta is refused. Satellite adds its own tags to the operator's
 * (`sat`, `sat-fail`: the health digest; `sat-notify`: the notifiers), so the operator's tags get
 * what is left. Checked at config load, so a too-large set is a config error (exit 2) naming
 * the tag to shorten, not a failure when gossip starts.
 */
export const NODE_META_BYTES_MAX = 512;
/** Kept for Satellite's own tags: the digest (at least its status letter and a "+N" count) and the notifier tag. */
export const SATELLITE_TAG_BYTES_RESERVED = 64;
/** What the operator's tags may take, encoded as serf encodes them. */
export const USER_TAG_BYTES_MAX = NODE_META_BYTES_MAX - SATELLITE_TAG_BYTES_RESERVED;

/** Bytes of a msgpack str header for a string of `length` bytes. */
function strHeaderBytes(length: number): number {
  if (length < 32) return 1;
  if (length < 256) return 2;
  if (length < 65536) return 3;
  return 5;
}

/** One tag's share of the meta: both strings with their headers. */
export function tagEntryBytes(key: string, value: string): number {
  const k = Buffer.byteLength(key);
  const v = Buffer.byteLength(value);
  return strHeaderBytes(k) + k + strHeaderBytes(v) + v;
}

/** The operator's tags as serf would encode them: magic byte, map header (sized for Satellite's tags too) and entries. */
export function userTagBytes(tags: Readonly<Record<string, string>>): number {
  const entries = Object.entries(tags);
  const mapHeader = entries.length + 3 < 16 ? 1 : 3;
  return 1 + mapHeader + entries.reduce((sum, [k, v]) => sum + tagEntryBytes(k, v), 0);
}

/** Why these tags do not fit, naming the largest one, or undefined when they fit. */
export function tagsTooLarge(tags: Readonly<Record<string, string>>): string | undefined {
  const total = userTagBytes(tags);
  if (total <= USER_TAG_BYTES_MAX) return undefined;
  let largest = "";
  let largestBytes = -1;
  for (const [key, value] of Object.entries(tags)) {
    const bytes = tagEntryBytes(key, value);
    if (bytes > largestBytes) {
      largest = key;
      largestBytes = bytes;
    }
  }
  return (
    `tags take ${total} bytes encoded, more than the ${USER_TAG_BYTES_MAX} left for them in serf's ${NODE_META_BYTES_MAX}-byte node meta ` +
    `(Satellite's own tags use ${SATELLITE_TAG_BYTES_RESERVED}); the largest is tag "${largest}" (${largestBytes} bytes): shorten or remove it`
  );
}
