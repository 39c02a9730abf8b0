import { ConfigError } from "../config/config-error.ts";
import type { AgentConfig } from "../config/load.ts";
import type { HttpServerOptions } from "../platform/http-server.ts";
import { TlsFileError, loadTlsMaterial, type TlsFilePaths, type TlsFileRole } from "../platform/tls-files.ts";

/** Liveness and readiness answer without a client certificate: the kubelet's probes cannot present one. */
export const PATHS_WITHOUT_CLIENT_CERT: readonly string[] = ["/livez", "/readyz"];

/** Which setting names each file, for error messages: the flag and its config key. */
const SETTING_OF_ROLE: Record<TlsFileRole, { flag: string; key: string }> = {
  cert: { flag: "--cert-file", key: "certFile" },
  key: { flag: "--key-file", key: "keyFile" },
  clientCa: { flag: "--client-ca-file", key: "clientCaFile" },
};

/**
 * The API server's TLS from --cert-file, --key-file and --client-ca-file, read and checked
 * now: called before anything starts, so a wrong file stops the agent (exit 2, naming the
 * file and its flag) before it joins the cluster. No cert and key: plain HTTP.
 */
export function apiServerOptions(config: Pick<AgentConfig, "certFile" | "keyFile" | "clientCaFile">, load: (paths: TlsFilePaths) => ReturnType<typeof loadTlsMaterial> = loadTlsMaterial): HttpServerOptions {
  const { certFile, keyFile, clientCaFile } = config;
  if (certFile === undefined && keyFile === undefined) {
    if (clientCaFile !== undefined) throw problem("--client-ca-file", "clientCaFile", "needs --cert-file and --key-file: client certificates are verified over TLS");
    return {};
  }
  if (certFile === undefined) throw problem("--key-file", "keyFile", "needs --cert-file, the certificate it belongs to");
  if (keyFile === undefined) throw problem("--cert-file", "certFile", "needs --key-file, the certificate's private key");
  try {
    const material = load({ certFile, keyFile, clientCaFile });
    return { tls: { material, pathsWithoutClientCert: PATHS_WITHOUT_CLIENT_CERT } };
  } catch (error) {
    if (!(error instanceof TlsFileError)) throw error;
    const setting = SETTING_OF_ROLE[error.role];
    throw problem(setting.flag, setting.key, error.hint ? `${error.message}; ${error.hint}` : error.message);
  }
}

function problem(flag: string, key: string, message: string): ConfigError {
  return new ConfigError([{ source: `${flag} (${key})`, path: "", message }]);
}
