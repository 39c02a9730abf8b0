import { loadZlib } from "../../platform/zlib-package.ts";

/** CRC-32 (IEEE), as Go's crc32.ChecksumIEEE; memberlist's hasCrc uses it. */
export function crc32(data: Uint8Array): number {
  return loadZlib().crc32(data) >>> 0;
}
