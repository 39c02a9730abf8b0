import { WireError } from "./wire-error.ts";

/**
 * LZW as Go's compress/lzw does it with LSB bit order and 8-bit literals: codes 0-255 are
 * literals, 256 clears the table, 257 ends the data, new codes from 258, code width grows
 * from 9 to 12 bits, and the writer sends a clear code when the table fills (and, like
 * Go >= 1.17, one at the start). Output is byte-identical to Go's writer.
 */
const CLEAR = 256;
const EOF_CODE = 257;
const MAX_WIDTH = 12;
const MAX_CODE = (1 << MAX_WIDTH) - 1;
const TABLE_SIZE = 1 << 14;

class BitWriter {
  private out: Uint8Array;
  private len = 0;
  private bits = 0;
  private nBits = 0;

  constructor(size: number) {
    this.out = new Uint8Array(Math.max(16, size));
  }

  write(code: number, width: number): void {
    this.bits |= code << this.nBits;
    this.nBits += width;
    while (this.nBits >= 8) {
      this.push(this.bits & 0xff);
      this.bits >>>= 8;
      this.nBits -= 8;
    }
  }

  private push(b: number): void {
    if (this.len === this.out.length) {
      const next = new Uint8Array(this.out.length * 2);
      next.set(this.out);
      this.out = next;
    }
    this.out[this.len++] = b;
  }

  finish(): Uint8Array {
    if (this.nBits > 0) this.push(this.bits & 0xff);
    return this.out.slice(0, this.len);
  }
}

/**
 * The compressor's hash table (key = prefix code << 8 | literal -> code, open addressing),
 * shared by every call: a slot is live only when its stamp equals the current generation, so
 * starting over (a new call, or a clear code) costs one increment instead of clearing 16 K
 * slots. That fixed cost dominated compressing a 1.4 KB gossip packet.
 */
const tableKeys = new Int32Array(TABLE_SIZE);
const tableVals = new Uint16Array(TABLE_SIZE);
const tableStamps = new Uint32Array(TABLE_SIZE);
let generation = 0;
const chainPrefix = new Uint16Array(1 << MAX_WIDTH);
const chainSuffix = new Uint8Array(1 << MAX_WIDTH);
const chainScratch = new Uint8Array(1 << MAX_WIDTH);

function nextGeneration(): number {
  generation++;
  if (generation === 0xffffffff) {
    tableStamps.fill(0);
    generation = 1;
  }
  return generation;
}

export function lzwCompress(input: Uint8Array): Uint8Array {
  const w = new BitWriter(input.length / 2 + 16);
  const keys = tableKeys;
  const vals = tableVals;
  const stamps = tableStamps;
  let gen = nextGeneration();
  let width = 9;
  let hi = EOF_CODE;
  let overflow = 1 << width;
  w.write(CLEAR, width);
  if (input.length === 0) {
    w.write(EOF_CODE, width);
    return w.finish();
  }
  let code = input[0] as number;
  for (let i = 1; i < input.length; i++) {
    const literal = input[i] as number;
    const key = (code << 8) | literal;
    let h = ((key >>> 12) ^ key) & (TABLE_SIZE - 1);
    let found = -1;
    while (stamps[h] === gen) {
      if (keys[h] === key) {
        found = vals[h] as number;
        break;
      }
      h = (h + 1) & (TABLE_SIZE - 1);
    }
    if (found >= 0) {
      code = found;
      continue;
    }
    w.write(code, width);
    code = literal;
    hi++;
    if (hi === overflow) {
      width++;
      overflow <<= 1;
    }
    if (hi === MAX_CODE) {
      w.write(CLEAR, width);
      width = 9;
      hi = EOF_CODE;
      overflow = 1 << width;
      gen = nextGeneration();
      continue;
    }
    stamps[h] = gen;
    keys[h] = key;
    vals[h] = hi;
  }
  w.write(code, width);
  hi++;
  if (hi === overflow) {
    width++;
    overflow <<= 1;
  }
  if (hi === MAX_CODE) {
    w.write(CLEAR, width);
    width = 9;
  }
  w.write(EOF_CODE, width);
  return w.finish();
}

/**
 * Decompresses, refusing to produce more than `maxOutput` bytes (a decompression bomb is an
 * error, not an allocation). Data must end with the EOF code, as Go's reader requires.
 */
export function lzwDecompress(input: Uint8Array, maxOutput: number): Uint8Array {
  // Shared chain tables: every code read after a clear is defined before it is used, so stale
  // entries from an earlier call are never reached.
  const prefix = chainPrefix;
  const suffix = chainSuffix;
  const scratch = chainScratch;
  let out = new Uint8Array(Math.min(maxOutput, Math.max(64, input.length * 3)));
  let o = 0;
  let width = 9;
  let hi = EOF_CODE;
  let overflow = 1 << width;
  let last = -1;
  let bits = 0;
  let nBits = 0;
  let pos = 0;
  const reserve = (n: number): void => {
    if (o + n > maxOutput) throw new WireError(`LZW data expands beyond the ${maxOutput}-byte limit`, "too_large");
    if (o + n <= out.length) return;
    let size = out.length * 2;
    while (size < o + n) size *= 2;
    const next = new Uint8Array(Math.min(size, maxOutput));
    next.set(out.subarray(0, o));
    out = next;
  };
  for (;;) {
    while (nBits < width) {
      if (pos >= input.length) throw new WireError("LZW data ended without the end code", "decompress_failed");
      bits |= (input[pos++] as number) << nBits;
      nBits += 8;
    }
    const code = bits & ((1 << width) - 1);
    bits >>>= width;
    nBits -= width;
    if (code === CLEAR) {
      width = 9;
      hi = EOF_CODE;
      overflow = 1 << width;
      last = -1;
      continue;
    }
    if (code === EOF_CODE) break;
    if (code < CLEAR) {
      reserve(1);
      out[o++] = code;
      if (last >= 0) {
        suffix[hi] = code;
        prefix[hi] = last;
      }
    } else if (code <= hi && !(code === hi && last < 0)) {
      // Walk the chain backwards into the end of scratch; code == hi is the KwKwK case.
      let i = scratch.length - 1;
      let c = code;
      if (code === hi) {
        c = last;
        while (c >= CLEAR) c = prefix[c] as number;
        scratch[i--] = c;
        c = last;
      }
      while (c >= CLEAR) {
        scratch[i--] = suffix[c] as number;
        c = prefix[c] as number;
      }
      scratch[i] = c;
      const n = scratch.length - i;
      reserve(n);
      for (let k = i; k < scratch.length; k++) out[o++] = scratch[k] as number;
      if (last >= 0) {
        suffix[hi] = c;
        prefix[hi] = last;
      }
    } else {
      throw new WireError(`LZW: invalid code ${code}`, "decompress_failed");
    }
    last = code;
    hi++;
    if (hi >= overflow) {
      if (width === MAX_WIDTH) {
        last = -1;
        hi--;
      } else {
        width++;
        overflow = 1 << width;
      }
    }
  }
  return out.slice(0, o);
}
