/** Test helpers: hex with spaces and "quoted ascii" segments, e.g. `02 82 a5"SeqNo" 07`. */
export function hx(spec: string): Uint8Array {
  const out: number[] = [];
  const re = /"([^"]*)"|([0-9a-fA-F]{2})/g;
  for (const m of spec.matchAll(re)) {
    if (m[1] !== undefined) for (const c of new TextEncoder().encode(m[1])) out.push(c);
    else out.push(parseInt(m[2] as string, 16));
  }
  return Uint8Array.from(out);
}

export function toHex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(" ");
}
