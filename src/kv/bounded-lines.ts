import { SatelliteError } from "../platform/errors.ts";

/**
 * The lines of a streaming HTTP answer as they arrive (newline-separated, as etcd's gateway
 * writes one JSON message per line). A line longer than `lineBytesMax` ends the stream with
 * an error instead of growing a buffer without bound. `who` names the server in that error.
 */
export async function* readLinesBounded(response: Response, lineBytesMax: number, who: string): AsyncGenerator<string> {
  if (!response.body) return;
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      let start = 0;
      for (let newline = value.indexOf(10); newline !== -1; newline = value.indexOf(10, start)) {
        const part = value.subarray(start, newline);
        if (pendingBytes + part.length > lineBytesMax) throw tooLong(who, lineBytesMax);
        pending.push(part);
        yield decoder.decode(Buffer.concat(pending));
        pending = [];
        pendingBytes = 0;
        start = newline + 1;
      }
      const rest = value.subarray(start);
      pendingBytes += rest.length;
      if (pendingBytes > lineBytesMax) throw tooLong(who, lineBytesMax);
      if (rest.length > 0) pending.push(Uint8Array.from(rest));
    }
    if (pendingBytes > 0) yield decoder.decode(Buffer.concat(pending));
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

function tooLong(who: string, lineBytesMax: number): SatelliteError {
  return new SatelliteError("kv_stream_line_too_long", `${who} sent a stream message longer than ${lineBytesMax} bytes`, {
    hint: "check that the endpoint is the service it should be; Satellite reads only messages within its limits",
  });
}
