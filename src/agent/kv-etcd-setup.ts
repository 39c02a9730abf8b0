import type { KvEtcdConfig } from "../config/kv-etcd-schema.ts";
import { parseDurationMs } from "../config/duration.ts";
import { EtcdKvBackend } from "../kv/etcd-kv-backend.ts";
import type { Clock } from "../platform/clock.ts";
import { SatelliteError, describeError } from "../platform/errors.ts";
import { type HttpFetch, type TlsMaterial, bunHttpFetch } from "../platform/http-fetch.ts";
import { readRegularTextFile } from "../platform/regular-file.ts";
import { PEM_FILE_BYTES_MAX } from "../platform/tls-files.ts";

/**
 * The etcd key-value backend from the `kv.etcd` section (`--kv-backend etcd`): endpoints
 * required, TLS files and the password file read once at start, so a wrong path stops the
 * agent naming the file and its flag instead of failing every call later.
 */

export interface EtcdKvSetupDeps {
  clock: Clock;
  /** Bun's fetch (it carries the TLS material) unless a test gives another. */
  http?: HttpFetch;
  /** Reads an operator-named file, at most `bytesMax`; the real bounded read unless a test gives another. */
  readTextFile?: (path: string, bytesMax: number) => string;
  /** SATELLITE_KV_ETCD_PASSWORD and the like are already in `config`; nothing else is read from the environment. */
}

const PASSWORD_FILE_BYTES_MAX = 64 * 1024;

export function createEtcdKvBackendFromConfig(config: KvEtcdConfig, deps: EtcdKvSetupDeps): EtcdKvBackend {
  if (config.endpoints.length === 0) {
    throw new SatelliteError("kv_etcd_no_endpoints", "the key-value store is set to etcd (kv.backend: etcd) but no etcd endpoint is given", {
      hint: "give --kv-etcd-endpoints http://HOST:2379,... (kv.etcd.endpoints in the config file)",
    });
  }
  const read = deps.readTextFile ?? readRegularTextFile;
  const readNamed = (path: string, what: string, flag: string, bytesMax: number): string => {
    try {
      return read(path, bytesMax);
    } catch (error) {
      throw new SatelliteError("kv_etcd_file_unreadable", `cannot read the etcd ${what} ${path} (${flag}): ${describeError(error)}`, { hint: `fix ${flag} or the file's permissions`, cause: error });
    }
  };
  let tls: TlsMaterial | undefined;
  if (config.caFile !== undefined || config.certFile !== undefined) {
    tls = {
      ca: config.caFile === undefined ? undefined : readNamed(config.caFile, "CA bundle", "--kv-etcd-ca-file", PEM_FILE_BYTES_MAX),
      cert: config.certFile === undefined ? undefined : readNamed(config.certFile, "client certificate", "--kv-etcd-cert-file", PEM_FILE_BYTES_MAX),
      key: config.keyFile === undefined ? undefined : readNamed(config.keyFile, "client key", "--kv-etcd-key-file", PEM_FILE_BYTES_MAX),
    };
  }
  let password = config.password;
  if (config.passwordFile !== undefined) {
    password = readNamed(config.passwordFile, "password file", "--kv-etcd-password-file", PASSWORD_FILE_BYTES_MAX).split(/\r?\n/)[0]?.trim();
    if (!password) {
      throw new SatelliteError("kv_etcd_password_empty", `the etcd password file ${config.passwordFile} (--kv-etcd-password-file) has no password on its first line`, { hint: "write the password as the file's first line" });
    }
  }
  return new EtcdKvBackend({
    endpoints: config.endpoints,
    prefix: config.prefix,
    http: deps.http ?? bunHttpFetch,
    clock: deps.clock,
    tls,
    credentials: config.username !== undefined && password !== undefined ? { username: config.username, password } : undefined,
    requestTimeoutMs: parseDurationMs(config.requestTimeout),
  });
}
