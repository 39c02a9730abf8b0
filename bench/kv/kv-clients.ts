import type { KvBackend } from "../../src/kv/kv-backend.ts";
import type { KvBenchClient } from "./kv-load.ts";

/** An agent's key-value API: `PUT /kv/KEY` with the raw value, `GET /kv/KEY` answering it raw (404 when missing). */
export function agentKvClient(apiBase: string): KvBenchClient {
  const url = (key: string) => `${apiBase}/kv/${key.split("/").map(encodeURIComponent).join("/")}`;
  return {
    async put(key, value) {
      const response = await fetch(url(key), { method: "PUT", body: value, headers: { "content-type": "application/octet-stream" } });
      if (!response.ok) throw new Error(`PUT ${url(key)}: HTTP ${response.status} ${(await response.text()).slice(0, 200)}`);
      await response.arrayBuffer();
    },
    async get(key) {
      const response = await fetch(url(key));
      if (response.status === 404) {
        await response.arrayBuffer();
        return undefined;
      }
      if (!response.ok) throw new Error(`GET ${url(key)}: HTTP ${response.status} ${(await response.text()).slice(0, 200)}`);
      return new Uint8Array(await response.arrayBuffer());
    },
  };
}

/** A backend object in this process (no agent, no HTTP API in between): the floor the API adds to. */
export function backendKvClient(backend: KvBackend): KvBenchClient {
  return {
    async put(key, value) {
      await backend.put(key, value);
    },
    async get(key) {
      return (await backend.get(key))?.value;
    },
  };
}
