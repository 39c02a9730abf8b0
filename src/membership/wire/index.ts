/** The memberlist/serf 0.9 wire format: typed messages <-> the exact bytes serf speaks. */
export { decryptPayload, encryptPayload } from "./aes-gcm.ts";
export { makeCompound, splitCompound } from "./compound.ts";
export { compressMessage, decompressValue } from "./compress.ts";
export { crc32 } from "./crc32.ts";
export { bytesToIp, ipToBytes, isIpLiteral } from "./ip.ts";
export { createKeyring, formatKeyringFile, type Keyring, parseKeyBase64, parseKeyringFile } from "./keyring.ts";
export { lzwCompress, lzwDecompress } from "./lzw.ts";
export { decodeMessage, encodeMessage } from "./message-codec.ts";
export * from "./message-type.ts";
export { decodeMsgpack, MsgExt, type MsgMap, MsgpackReader, type MsgValue } from "./msgpack-reader.ts";
export { MsgpackWriter } from "./msgpack-writer.ts";
export {
  type DecodedPacket,
  decodePacket,
  encodePacket,
  encodePacketParts,
  type PacketDrop,
  type PacketEncodeOptions,
} from "./packet.ts";
export { type ByteSource, memorySource, StreamBuffer } from "./stream-buffer.ts";
export {
  encodeStream,
  encodeStreamBody,
  readStreamMessage,
  type StreamDecodeOptions,
  type StreamEncodeOptions,
} from "./stream-codec.ts";
export { DROP_REASONS, type DropReason, WIRE_MALFORMED, WireError, WireTruncatedError } from "./wire-error.ts";
export { StreamMemory, StreamMemoryPool } from "./stream-memory.ts";
