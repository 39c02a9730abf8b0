/** UTF-8 decoding with an ASCII fast path: wire strings (field names, node names) are short ASCII. */
const decoder = new TextDecoder("utf-8");

export function decodeUtf8(b: Uint8Array): string {
  if (b.length <= 64) {
    let s = "";
    for (let i = 0; i < b.length; i++) {
      const c = b[i] as number;
      if (c >= 0x80) return decoder.decode(b);
      s += String.fromCharCode(c);
    }
    return s;
  }
  return decoder.decode(b);
}
