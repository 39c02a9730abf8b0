import { expect, test } from "bun:test";
import { isIP } from "node:net";
import { couldBeIPv6Literal, ipVersion } from "../../src/platform/ip-literal.ts";

const CORPUS = [
  "127.0.0.1", "0.0.0.0", "255.255.255.255", "256.1.1.1", "01.2.3.4", "1.2.3", "1.2.3.4.5", "1.2.3.4:7946",
  "::", "::1", "fe80::1", "fe80::1%eth0", "fe80::1%", "2001:db8::8a2e:370:7334", "::ffff:10.0.0.1", "1:2:3:4:5:6:7:8",
  "1:2:3:4:5:6:7:8:9", "[::1]", "[::1]:7946", "::1%lo:0", "gg::1", "fe80:::1", ":1", "1:", "12345::", "ABCD::EF",
  "localhost", "node-1", "node-1:10.0.0.1:7946", "dead:beef", "dead:beef:cafe", "face", "a.b.c.d", "", " ", "::1 ",
];

test("ipVersion answers as node:net's isIP does", () => {
  for (const text of CORPUS) expect({ text, version: ipVersion(text) }).toEqual({ text, version: isIP(text) as 0 | 4 | 6 });
});

test("every IPv6 literal could be one; host names, IPv4 addresses and host:port pairs could not", () => {
  for (const text of CORPUS) if (isIP(text) === 6) expect({ text, could: couldBeIPv6Literal(text) }).toEqual({ text, could: true });
  // These never reach Bun's IPv6 expression (compiled on its first use: milliseconds of every start).
  for (const text of ["127.0.0.1", "127.0.0.1:7946", "localhost", "node-1", "node-1:10.0.0.1:7946", "satellite.example.com", "face", ""]) {
    expect({ text, could: couldBeIPv6Literal(text) }).toEqual({ text, could: false });
  }
});
