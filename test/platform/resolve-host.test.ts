import { describe, expect, test } from "bun:test";
import { HOST_ADDRESSES_MAX, resolveHostAll } from "../../src/platform/resolve-host.ts";

describe("resolveHostAll", () => {
  test("every A and AAAA address once, in the resolver's order; an IP literal is itself", async () => {
    const lookup = async () => [{ address: "10.0.0.1" }, { address: "10.0.0.2" }, { address: "10.0.0.1" }, { address: "fd00::3" }, { address: "not-an-ip" }];
    expect(await resolveHostAll("seeds.satellite.svc", lookup)).toEqual(["10.0.0.1", "10.0.0.2", "fd00::3"]);
    expect(await resolveHostAll("10.0.0.9", lookup)).toEqual(["10.0.0.9"]);
    expect(await resolveHostAll("fd00::9", lookup)).toEqual(["fd00::9"]);
  });

  test("bounded, and a name with no address rejects naming it", async () => {
    const many = async () => Array.from({ length: 1000 }, (_, i) => ({ address: `10.1.${Math.floor(i / 250)}.${i % 250}` }));
    expect((await resolveHostAll("huge", many)).length).toBe(HOST_ADDRESSES_MAX);
    await expect(resolveHostAll("empty", async () => [])).rejects.toThrow("empty resolved to no address");
  });

  test("the system resolver: localhost", async () => {
    expect(await resolveHostAll("localhost")).toContain("127.0.0.1");
  });
});
