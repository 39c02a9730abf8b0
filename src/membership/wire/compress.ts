import { asStruct, fieldBytes, fieldUint } from "./go-fields.ts";
import { lzwCompress, lzwDecompress } from "./lzw.ts";
import { MessageType } from "./message-type.ts";
import type { MsgValue } from "./msgpack-reader.ts";
import { MsgpackWriter } from "./msgpack-writer.ts";
import { WireError } from "./wire-error.ts";

/** memberlist's compress wrapper: `[9]` + msgpack `{Algo: 0 (LZW), Buf: <lzw bytes>}`. */
export function compressMessage(plain: Uint8Array): Uint8Array {
  const packed = lzwCompress(plain);
  const w = new MsgpackWriter(packed.length + 24);
  w.byte(MessageType.compress).mapHeader(2).str("Algo").uint(0).str("Buf").bin(packed);
  return w.bytes();
}

/** Undoes compressMessage given the decoded `{Algo, Buf}` value; output capped at maxOutput. */
export function decompressValue(v: MsgValue, maxOutput: number): Uint8Array {
  const m = asStruct(v, "compress");
  const algo = fieldUint(m, "Algo", 255, "compress");
  if (algo !== 0) throw new WireError(`cannot decompress unknown algorithm ${algo}`, "decompress_failed");
  const out = lzwDecompress(fieldBytes(m, "Buf", "compress"), maxOutput);
  if (out.length === 0) throw new WireError("compressed payload is empty", "decompress_failed");
  return out;
}
