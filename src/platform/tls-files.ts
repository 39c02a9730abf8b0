import { X509Certificate, createPrivateKey, type KeyObject } from "node:crypto";
import { SatelliteError, describeError } from "./errors.ts";
import { readRegularTextFile } from "./regular-file.ts";

/** A certificate chain, key or CA bundle is a few KiB; this is generous and still bounded. */
export const PEM_FILE_BYTES_MAX = 1024 * 1024;

export interface TlsFilePaths {
  certFile: string;
  keyFile: string;
  /** When set, clients are asked for a certificate signed by one of these CAs. */
  clientCaFile?: string;
}

/** PEM text checked to parse, with the key known to match the certificate. */
export interface TlsMaterial {
  certPem: string;
  keyPem: string;
  clientCaPem?: string;
}

export type TlsFileRole = "cert" | "key" | "clientCa";

/** A TLS file that cannot be used; the message names the file, `role` says which one it is, so callers can name the flag. */
export class TlsFileError extends SatelliteError {
  constructor(
    readonly role: TlsFileRole,
    readonly path: string,
    message: string,
    hint: string,
    cause?: unknown,
  ) {
    super("TLS_FILE_INVALID", message, { hint, cause });
  }
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * Reads and checks the server certificate chain, its key and the optional client CA bundle,
 * so a wrong file fails at start with its name instead of at the first TLS handshake.
 */
export function loadTlsMaterial(paths: TlsFilePaths, readFile: (path: string) => string = (p) => readRegularTextFile(p, PEM_FILE_BYTES_MAX)): TlsMaterial {
  const certPem = read("cert", paths.certFile, readFile);
  const chain = parseCertificates("cert", paths.certFile, certPem);
  const keyPem = read("key", paths.keyFile, readFile);
  let key: KeyObject;
  try {
    key = createPrivateKey(keyPem);
  } catch (error) {
    throw new TlsFileError("key", paths.keyFile, `${paths.keyFile}: not a usable PEM private key (${describeError(error)})`, "give the unencrypted PEM key (-----BEGIN PRIVATE KEY-----) of the certificate", error);
  }
  const leaf = chain[0] as X509Certificate;
  if (!leaf.checkPrivateKey(key)) {
    throw new TlsFileError("key", paths.keyFile, `${paths.keyFile} does not match the certificate in ${paths.certFile} (${leaf.subject})`, "give the key the certificate was issued for; the certificate file starts with the server's own certificate");
  }
  if (paths.clientCaFile === undefined) return { certPem, keyPem };
  const clientCaPem = read("clientCa", paths.clientCaFile, readFile);
  parseCertificates("clientCa", paths.clientCaFile, clientCaPem);
  return { certPem, keyPem, clientCaPem };
}

function read(role: TlsFileRole, path: string, readFile: (path: string) => string): string {
  try {
    return readFile(path);
  } catch (error) {
    // The reader's message names the file and says what is wrong with it (missing, a FIFO, too large).
    throw new TlsFileError(role, path, describeError(error), error instanceof SatelliteError && error.hint ? error.hint : "check the path and that the agent's user may read the file", error);
  }
}

function parseCertificates(role: TlsFileRole, path: string, pem: string): X509Certificate[] {
  const blocks = pem.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) {
    throw new TlsFileError(role, path, `${path}: no PEM certificate in it (expected -----BEGIN CERTIFICATE-----)`, "give a PEM certificate file; convert DER with `openssl x509 -inform der -in FILE -out FILE.pem`");
  }
  return blocks.map((block, index) => {
    try {
      return new X509Certificate(block);
    } catch (error) {
      throw new TlsFileError(role, path, `${path}: certificate #${index + 1} does not parse (${describeError(error)})`, "check the file with `openssl x509 -noout -text -in FILE`", error);
    }
  });
}
