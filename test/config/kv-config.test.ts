import { expect, test } from "bun:test";
import { loadConfigInMemory, type InMemoryConfigInput } from "../support/in-memory-config.ts";

/** `file`: the config file's text, at /etc/satellite.yaml. */
function load(input: InMemoryConfigInput & { file?: string } = {}) {
  const { file, ...rest } = input;
  return loadConfigInMemory(file === undefined ? rest : { flags: { config: "/etc/satellite.yaml" }, files: { "/etc/satellite.yaml": file }, ...rest });
}

test("the kv section's defaults: on, replicated, tombstones 7d, anti-entropy every 10s", () => {
  expect(load().kv).toMatchObject({ enabled: true, backend: "replicated", tombstoneRetention: "7d", antiEntropyInterval: "10s" });
});

test("--kv-backend sets kv.backend and keeps the file's other kv keys", () => {
  const config = load({ file: "kv:\n  enabled: false\n  antiEntropyInterval: 30s\n  etcd:\n    endpoints: [http://10.0.0.5:2379]\n", flags: { config: "/etc/satellite.yaml", "kv-backend": "etcd" } });
  expect(config.kv).toMatchObject({ enabled: false, backend: "etcd", antiEntropyInterval: "30s" });
});

test.each([
  [{ env: { SATELLITE_KV_BACKEND: "redis" } }, /environment variable SATELLITE_KV_BACKEND, key kv\.backend: .*"replicated"\|"etcd"/],
  [{ file: "kv:\n  antiEntropyInterval: 10ms\n" }, /key kv\.antiEntropyInterval: expected a duration between 1000 ms and 3600000 ms/],
  [{ file: "kv:\n  tombstoneRetention: 5s\n" }, /key kv\.tombstoneRetention: expected a duration between 60000 ms/],
  [{ file: "kv:\n  replicas: 5\n" }, /unknown key\(s\) "replicas"/],
] as const)("%o is refused naming the key: %s", (input, message) => {
  expect(() => load(input as InMemoryConfigInput & { file?: string })).toThrow(message);
});
