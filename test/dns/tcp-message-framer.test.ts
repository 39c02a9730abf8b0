import { expect, test } from "bun:test";
import { frameTcpMessage, TcpMessageFramer } from "../../src/dns/tcp-message-framer.ts";

test("messages come out whole whatever the pieces, several per chunk or one split byte by byte", () => {
  const a = new Uint8Array([1, 2, 3]);
  const b = new Uint8Array(300).fill(7);
  const stream = new Uint8Array([...frameTcpMessage(a), ...frameTcpMessage(b)]);
  expect(new TcpMessageFramer(512).push(stream)).toEqual([a, b]);
  const framer = new TcpMessageFramer(512);
  const out: Uint8Array[] = [];
  for (const byte of stream) {
    const got = framer.push(new Uint8Array([byte]));
    if (got === "too_large") throw new Error("too large");
    out.push(...got);
  }
  expect(out).toEqual([a, b]);
});

test("a length prefix above the bound ends the stream before anything is buffered", () => {
  const framer = new TcpMessageFramer(512);
  expect(framer.push(new Uint8Array([0x02, 0x01]))).toBe("too_large");
  expect(new TcpMessageFramer(512).push(new Uint8Array([0x02, 0x00, ...new Uint8Array(10)]))).toEqual([]);
});
