/** memberlist's message type bytes (first byte of every message). Append-only on the wire. */
export const MessageType = {
  ping: 0,
  indirectPing: 1,
  ack: 2,
  suspect: 3,
  alive: 4,
  dead: 5,
  pushPull: 6,
  compound: 7,
  user: 8,
  compress: 9,
  encrypt: 10,
  nack: 11,
  hasCrc: 12,
  err: 13,
  /** Newer memberlist only; serf 0.9.4 does not know it, so it is never sent. */
  hasLabel: 244,
} as const;

/** UDP payload limit memberlist uses (UDPBufferSize). */
export const UDP_PACKET_LIMIT = 1400;
/** Compound header: type byte + count byte. */
export const COMPOUND_HEADER_OVERHEAD = 2;
/** Per part in a compound: its u16 length. */
export const COMPOUND_PART_OVERHEAD = 2;
/** `[12][crc32 BE]` */
export const CRC_OVERHEAD = 5;
/** Encryption version 1: version byte + 12-byte nonce + 16-byte GCM tag. */
export const ENCRYPT_OVERHEAD = 29;
/** memberlist's maxPushStateBytes: the largest stream message accepted. */
export const MAX_STREAM_BYTES = 20 * 1024 * 1024;
/** memberlist's MetaMaxSize. */
export const META_MAX_SIZE = 512;
