/**
 * FNV-1a over UTF-8 text, 32 bits, finished with murmur3's fmix32 (FNV alone spreads names that
 * differ in their last characters, `node-1`..`node-9`, poorly over the ring). Not cryptographic:
 * placement and digests only need an even spread and the same answer on every node and runtime.
 */
export function fnv1a32(text: string, seed = 0x811c9dc5): number {
  let hash = seed >>> 0;
  const bytes = encoder.encode(text);
  for (const byte of bytes) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b) >>> 0;
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35) >>> 0;
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/** A second, independent 32-bit hash, so digests compare 64 bits. */
export function fnv1a32Alt(text: string): number {
  return fnv1a32(text, 0x9747b28c);
}

const encoder = new TextEncoder();
