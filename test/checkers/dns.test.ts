import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { dnsKind, parseNameserver, parseResolvConf } from "../../src/checkers/dns.ts";
import { decodeReply, encodeQuery, udpDnsClient } from "../../src/platform/dns-client.ts";
import { createRecordedHostFiles, systemHostFiles } from "../../src/platform/host-files.ts";
import { optionErrors, runOnce, testEnv } from "./_helpers.ts";
import { type RunningProcess, freePort, startProcess, waitFor } from "./_processes.ts";

const kind = dnsKind({ dns: udpDnsClient, files: systemHostFiles });
const env = testEnv("/tmp");
const dnsmasqPath = Bun.which("dnsmasq") ?? (Bun.which("dnsmasq", { PATH: "/usr/sbin:/sbin" }) as string | null);

describe.skipIf(!dnsmasqPath)("dns against a real dnsmasq", () => {
  let dnsmasq: RunningProcess;
  let port = 0;
  let server = "";

  beforeAll(async () => {
    port = freePort();
    server = `127.0.0.1:${port}`;
    dnsmasq = startProcess([
      dnsmasqPath as string, "--no-daemon", "--no-resolv", "--no-hosts", "--bind-interfaces", "--listen-address=127.0.0.1",
      `--port=${port}`, "--address=/example.test/10.1.2.3", "--auth-zone=zone.test", "--auth-server=ns1.zone.test",
      "--pid-file=", "--user=root",
    ]);
    await waitFor(`dnsmasq on ${server}: ${dnsmasq.output()}`, async () => {
      const [o] = await runOnce(kind, { nameservers: [server], questions: [{ name: "example.test", type: "A" }] }, env);
      return o?.status === "running";
    }, 10_000);
  });
  afterAll(async () => {
    await dnsmasq?.stop();
  });

  test("A question with the expected address -> running", async () => {
    const [o] = await runOnce(kind, { nameservers: [server], questions: [{ name: "www.example.test", type: "A", expect: "10.1.2.3" }] }, env);
    expect(o?.status).toBe("running");
  });

  test("wrong expected address -> failed naming what came back", async () => {
    const [o] = await runOnce(kind, { nameservers: [server], questions: [{ name: "example.test", expect: "10.9.9.9" }] }, env);
    expect(o?.error).toBe(`nameserver ${server}: A example.test gave 10.1.2.3, expected 10.9.9.9`);
  });

  test("NS: a zone it serves -> running; the root, which it refuses without upstreams -> failed REFUSED", async () => {
    const [ok] = await runOnce(kind, { nameservers: [server], questions: [{ name: "zone.test", type: "NS" }] }, env);
    expect(ok?.status).toBe("running");
    const [refused] = await runOnce(kind, { nameservers: [server], questions: [{ name: ".", type: "NS" }] }, env);
    expect(refused?.error).toBe(`nameserver ${server} answered REFUSED to NS .`);
  });

  test("default nameservers come from resolv.conf (port 53 of an unused loopback address -> refused)", async () => {
    const files = createRecordedHostFiles({ "/etc/resolv.conf": "# generated\nsearch cluster.local\nnameserver 127.0.0.3\noptions ndots:5\n" });
    const outcomes = await runOnce(dnsKind({ dns: udpDnsClient, files }), { queryTimeoutMs: 1000 }, env);
    expect(outcomes.map((o) => o.detail)).toEqual(["127.0.0.3 NS .", "127.0.0.3 A localhost"]);
    expect(parseResolvConf("nameserver 127.0.0.1\nnameserver ::1\n")).toEqual(["127.0.0.1", "::1"]);
  });

  test("one live and one dead nameserver -> one failed outcome for the dead one", async () => {
    const dead = `127.0.0.1:${freePort()}`;
    const outcomes = await runOnce(kind, { nameservers: [server, dead], questions: [{ name: "example.test" }] }, env);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]?.detail).toBe(`${dead} A example.test`);
  });

  test("stopped dnsmasq: the query is cut off by the check's signal", async () => {
    await dnsmasq.stop();
    const [o] = await runOnce(kind, { nameservers: [server], questions: [{ name: "example.test" }], queryTimeoutMs: 300 }, env);
    expect(o?.status).toBe("failed");
    expect(o?.error).toContain(`nameserver ${server} did not answer A example.test`);
  });
});

describe("dns parts", () => {
  test("nameserver spellings", () => {
    expect(parseNameserver("10.0.0.2")).toEqual({ host: "10.0.0.2", port: 53 });
    expect(parseNameserver("10.0.0.2:5353")).toEqual({ host: "10.0.0.2", port: 5353 });
    expect(parseNameserver("[fd00::2]:54")).toEqual({ host: "fd00::2", port: 54 });
    expect(parseNameserver("fd00::2")).toEqual({ host: "fd00::2", port: 53 });
    expect(parseNameserver("dns.local")).toBeUndefined();
  });

  test("no nameserver in resolv.conf -> failed with the fix", async () => {
    const k = dnsKind({ dns: udpDnsClient, files: createRecordedHostFiles({ "/etc/resolv.conf": "search x\n" }) });
    const [o] = await runOnce(k, {}, env);
    expect(o?.error).toBe("no nameserver in /etc/resolv.conf");
  });

  test("reply decoding with name compression", () => {
    const q = encodeQuery(7, "a.test", "NS");
    // header (id 7, response, 1 question, 1 answer), the question, then NS a.test -> ns.a.test via pointers
    const answer = [0xc0, 12, 0, 2, 0, 1, 0, 0, 0, 60, 0, 5, 2, 110, 115, 0xc0, 12];
    const reply = new Uint8Array([...q.subarray(0, 2), 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, ...q.subarray(12), ...answer]);
    expect(decodeReply(reply, 7)).toEqual({ rcode: 0, rcodeName: "NOERROR", answers: [{ type: "NS", ttl: 60, data: "ns.a.test." }] });
    expect(() => decodeReply(reply, 8)).toThrow("another query");
  });

  test("option errors", () => {
    expect(optionErrors(kind, { nameservers: ["dns.local"] })).toEqual(["nameservers.0: expected an IP address with optional :port, e.g. 10.0.0.2 or [fd00::2]:53"]);
    expect(optionErrors(kind, { questions: [{ name: "bad name" }] })[0]).toContain("expected a DNS name");
  });
});
