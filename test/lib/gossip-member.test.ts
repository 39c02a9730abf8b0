import { expect, test } from "bun:test";
import { createKeyring, parseKeyBase64, startGossipMember, type Serf, type SerfEvent } from "../../src/lib/index.ts";
import { waitFor } from "../support/processes.ts";

/** The membership layer alone, from the library: two encrypted members on loopback. */
test("two library gossip members join, see each other's tags and user events, and a leave", async () => {
  const keyring = createKeyring([parseKeyBase64("T9jncgl9mbLus+baTTa7q7nPSUrXwbDi2dhbtqir37s=")]);
  const members: Serf[] = [];
  try {
    const a = await startGossipMember({ name: "lib-a", bindAddr: "127.0.0.1", bindPort: 0, tags: { role: "master" }, keyring });
    members.push(a);
    const b = await startGossipMember({ name: "lib-b", bindAddr: "127.0.0.1", bindPort: 0, tags: { role: "node" }, keyring });
    members.push(b);
    const seenByA: SerfEvent[] = [];
    a.onEvent((e) => seenByA.push(e));
    await b.join([{ ip: a.localMember().addr, port: a.localMember().port }]);
    await waitFor(() => a.members().some((m) => m.name === "lib-b" && m.status === "alive"), 10_000, "lib-b alive on lib-a");
    expect(a.members().find((m) => m.name === "lib-b")?.tags).toEqual({ role: "node" });
    expect(seenByA.some((e) => e.type === "member-join" && e.member.name === "lib-b")).toBe(true);

    b.userEvent("deploy", new TextEncoder().encode("v2"));
    await waitFor(() => seenByA.some((e) => e.type === "user" && e.name === "deploy"), 10_000, "the user event on lib-a");

    await b.leave();
    await waitFor(() => a.members().find((m) => m.name === "lib-b")?.status === "left", 10_000, "lib-b left on lib-a");
    expect(seenByA.some((e) => e.type === "member-leave" && e.member.name === "lib-b")).toBe(true);
  } finally {
    for (const m of members) await m.shutdown();
  }
}, 30_000);
