import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TlsFileError, loadTlsMaterial } from "../../src/platform/tls-files.ts";
import { type TestPki, makeTestPki } from "../checkers/_certs.ts";

const dir = mkdtempSync(join(tmpdir(), "satellite-tls-files-"));
let pki: TestPki;
beforeAll(() => {
  pki = makeTestPki(dir);
  writeFileSync(join(dir, "garbage.pem"), "not a certificate\n");
  writeFileSync(join(dir, "broken.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function failure(run: () => unknown): TlsFileError {
  try {
    run();
  } catch (error) {
    if (error instanceof TlsFileError) return error;
    throw error;
  }
  throw new Error("expected a TlsFileError");
}

describe("loadTlsMaterial", () => {
  test("a certificate, its key and a client CA load as PEM text", () => {
    const material = loadTlsMaterial({ certFile: pki.serverCertFile, keyFile: pki.serverKeyFile, clientCaFile: pki.caFile });
    expect(material.certPem).toContain("BEGIN CERTIFICATE");
    expect(material.keyPem).toContain("PRIVATE KEY");
    expect(material.clientCaPem).toContain("BEGIN CERTIFICATE");
    expect(loadTlsMaterial({ certFile: pki.serverCertFile, keyFile: pki.serverKeyFile }).clientCaPem).toBeUndefined();
  });

  test("each unusable file is named, with its role and what to do", () => {
    const missing = join(dir, "missing.pem");
    const cases: [() => unknown, TlsFileError["role"], string, RegExp][] = [
      [() => loadTlsMaterial({ certFile: missing, keyFile: pki.serverKeyFile }), "cert", missing, /missing\.pem.*(ENOENT|no such file)/i],
      [() => loadTlsMaterial({ certFile: join(dir, "garbage.pem"), keyFile: pki.serverKeyFile }), "cert", join(dir, "garbage.pem"), /garbage\.pem: no PEM certificate in it/],
      [() => loadTlsMaterial({ certFile: join(dir, "broken.pem"), keyFile: pki.serverKeyFile }), "cert", join(dir, "broken.pem"), /broken\.pem: certificate #1 does not parse/],
      [() => loadTlsMaterial({ certFile: pki.serverCertFile, keyFile: join(dir, "garbage.pem") }), "key", join(dir, "garbage.pem"), /garbage\.pem: not a usable PEM private key/],
      [() => loadTlsMaterial({ certFile: pki.serverCertFile, keyFile: pki.clientKeyFile }), "key", pki.clientKeyFile, /client\.key does not match the certificate in .*server\.pem \(CN=127\.0\.0\.1\)/],
      [() => loadTlsMaterial({ certFile: pki.serverCertFile, keyFile: pki.serverKeyFile, clientCaFile: join(dir, "garbage.pem") }), "clientCa", join(dir, "garbage.pem"), /no PEM certificate/],
      [() => loadTlsMaterial({ certFile: pki.serverCertFile, keyFile: pki.serverKeyFile, clientCaFile: "/dev/zero" }), "clientCa", "/dev/zero", /\/dev\/zero is a character device, not a regular file/],
    ];
    for (const [run, role, path, message] of cases) {
      const error = failure(run);
      expect(error.code).toBe("TLS_FILE_INVALID");
      expect({ role: error.role, path: error.path }).toEqual({ role, path });
      expect(error.message).toMatch(message);
      expect(error.hint?.length).toBeGreaterThan(10);
    }
  });
});
