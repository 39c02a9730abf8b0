import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type TestPki, makeTestPki } from "../checkers/_certs.ts";

/**
 * The test PKI with a server certificate good for client authentication too: etcd's JSON
 * gateway dials etcd's own gRPC port with the server certificate, which `--client-cert-auth`
 * then checks as a client's.
 */
export function makeEtcdTestPki(dir: string): TestPki {
  const pki = makeTestPki(dir);
  writeFileSync(join(dir, "etcd-server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n");
  const result = Bun.spawnSync(
    ["openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "etcd-server.pem", "-days", "2", "-extfile", "etcd-server.ext"],
    { cwd: dir, stdout: "pipe", stderr: "pipe" },
  );
  if (result.exitCode !== 0) throw new Error(`openssl could not issue the etcd server certificate: ${result.stderr.toString()}`);
  return { ...pki, serverCertFile: join(dir, "etcd-server.pem") };
}
