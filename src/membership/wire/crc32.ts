import { crc32 as zlibCrc32 } from "node:zlib";

/** CRC-32 (IEEE), as Go's crc32.ChecksumIEEE; memberlist's hasCrc uses it. */
export function crc32(data: Uint8Array): number {
  return zlibCrc32(data) >>> 0;
}
