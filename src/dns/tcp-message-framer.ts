/**
 * DNS over TCP frames each message with a 2-byte big-endian length (RFC 1035, 4.2.2). Bytes
 * arrive in arbitrary pieces; this reassembles whole messages and holds at most one message of
 * `messageBytesMax` plus its prefix, so a client cannot make the server buffer more.
 */
export class TcpMessageFramer {
  private buffered = new Uint8Array(0);

  constructor(private readonly messageBytesMax: number) {}

  /** The messages completed by `chunk`, or "too_large" when a prefix announces more than allowed (close the connection). */
  push(chunk: Uint8Array): Uint8Array[] | "too_large" {
    const joined = new Uint8Array(this.buffered.length + chunk.length);
    joined.set(this.buffered);
    joined.set(chunk, this.buffered.length);
    const messages: Uint8Array[] = [];
    let offset = 0;
    while (joined.length - offset >= 2) {
      const length = ((joined[offset] ?? 0) << 8) | (joined[offset + 1] ?? 0);
      if (length > this.messageBytesMax) return "too_large";
      if (joined.length - offset - 2 < length) break;
      messages.push(joined.slice(offset + 2, offset + 2 + length));
      offset += 2 + length;
    }
    this.buffered = joined.slice(offset);
    return messages;
  }
}

/** A message with its 2-byte length prefix. */
export function frameTcpMessage(message: Uint8Array): Uint8Array {
  const framed = new Uint8Array(message.length + 2);
  framed[0] = (message.length >> 8) & 0xff;
  framed[1] = message.length & 0xff;
  framed.set(message, 2);
  return framed;
}
