import { expect, test } from "bun:test";
import { ConfigError } from "../../src/config/config-error.ts";
import { loadConfigInMemory as load } from "../support/in-memory-config.ts";

test("--kv-etcd-* flags and variables land in kv.etcd beside the file's other kv keys", () => {
  const config = load({
    flags: { config: "/etc/satellite.yaml", "kv-backend": "etcd", "kv-etcd-endpoints": "http://10.0.0.5:2379,http://10.0.0.6:2379", "kv-etcd-prefix": "/apps/kv/", "kv-etcd-request-timeout": "2s" },
    env: { SATELLITE_KV_ETCD_USERNAME: "satellite", SATELLITE_KV_ETCD_PASSWORD: "from-the-environment" },
    files: { "/etc/satellite.yaml": "kv:\n  antiEntropyInterval: 30s\n  etcd:\n    caFile: /etc/etcd-ca.pem\n" },
  });
  expect(config.kv.backend).toBe("etcd");
  expect(config.kv.antiEntropyInterval).toBe("30s");
  expect(config.kv.etcd).toEqual({
    endpoints: ["http://10.0.0.5:2379", "http://10.0.0.6:2379"],
    prefix: "/apps/kv/",
    caFile: "/etc/etcd-ca.pem",
    username: "satellite",
    password: "from-the-environment",
    requestTimeout: "2s",
  });
});

test("a bad kv.etcd value is refused naming its key and flag source", () => {
  let error: unknown;
  try {
    load({ flags: { "kv-etcd-endpoints": "10.0.0.5:2379" } });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect(String((error as ConfigError).message)).toContain("key kv.etcd.endpoints[0]: expected an etcd client URL");
  expect(String((error as ConfigError).message)).toContain("--kv-etcd-endpoints");
});

test("kv.backend etcd without endpoints is refused at load, naming the flag to give", () => {
  let error: unknown;
  try {
    load({ flags: { "kv-backend": "etcd" } });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).message).toContain("key kv.etcd.endpoints: kv.backend etcd needs the etcd client URLs: give --kv-etcd-endpoints");
});
