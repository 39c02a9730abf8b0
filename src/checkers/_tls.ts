import { z } from "zod";
import type { HostFiles } from "../platform/host-files.ts";
import type { TlsMaterial } from "../platform/http-fetch.ts";

export const tlsOptions = () => z
  .strictObject({
    caFile: z.string().min(1).optional(),
    certFile: z.string().min(1).optional(),
    keyFile: z.string().min(1).optional(),
    insecureSkipVerify: z.boolean().default(false),
  })
  .refine((t) => (t.certFile === undefined) === (t.keyFile === undefined), {
    message: "certFile and keyFile go together: give both or neither",
    path: ["certFile"],
  });

export type TlsOptions = z.output<ReturnType<typeof tlsOptions>>;

/** Files named by TLS options, read on every run so rotated certificates are picked up. */
export async function loadTls(files: HostFiles, tls: TlsOptions | undefined): Promise<TlsMaterial | undefined> {
  if (!tls) return undefined;
  const read = async (what: string, path: string | undefined): Promise<string | undefined> => {
    if (path === undefined) return undefined;
    const text = await files.readText(path);
    if (text === undefined) throw new Error(`${what} ${path} does not exist`);
    return text;
  };
  return {
    ca: await read("caFile", tls.caFile),
    cert: await read("certFile", tls.certFile),
    key: await read("keyFile", tls.keyFile),
    rejectUnauthorized: !tls.insecureSkipVerify,
  };
}
