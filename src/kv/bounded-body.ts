import { SatelliteError } from "../platform/errors.ts";

/**
 * The text of an HTTP answer, refused once it passes `bytesMax` (the rest is not read), so a
 * hostile or broken server cannot make the agent buffer without bound. `who` names the server
 * in the error ("etcd at http://10.0.0.5:2379").
 */
export async function readBodyBounded(response: Response, bytesMax: number, who: string): Promise<string> {
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > bytesMax) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(who, bytesMax);
  }
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > bytesMax) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(who, bytesMax);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function tooLarge(who: string, bytesMax: number): SatelliteError {
  return new SatelliteError("kv_answer_too_large", `${who} answered with more than ${bytesMax} bytes`, {
    hint: "check that the endpoint is the service it should be; Satellite reads only answers within its limits",
  });
}
