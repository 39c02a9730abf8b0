import { describe, expect, test } from "bun:test";
import { MaintenanceTable } from "../../src/cluster/maintenance-table.ts";
import { decodeMaintenanceMessage, encodeMaintenanceMessage, MAINTENANCE_DURATION_MAX_MS, type MaintenanceWindow } from "../../src/cluster/maintenance-window.ts";

const NOW = Date.UTC(2026, 11, 1, 20, 0, 0);
const HOUR = 3600_000;

const window = (extra: Partial<MaintenanceWindow> = {}): MaintenanceWindow => ({
  id: "0123456789abcdef",
  node: "n1",
  author: "m1",
  startedAtMs: NOW,
  untilMs: NOW + HOUR,
  reason: "kernel upgrade",
  ...extra,
});

describe("maintenance messages", () => {
  test("a start and an end survive encoding", () => {
    const start = { op: "start", window: window({ check: "docker" }) } as const;
    expect(decodeMaintenanceMessage(encodeMaintenanceMessage(start), NOW)).toEqual({ ok: true, message: start });
    const end = { op: "end", id: "0123456789abcdef", by: "m1", atMs: NOW } as const;
    expect(decodeMaintenanceMessage(encodeMaintenanceMessage(end), NOW)).toEqual({ ok: true, message: end });
  });

  const hostile: { name: string; payload: string; error: RegExp }[] = [
    { name: "not JSON", payload: "{", error: /not JSON/ },
    { name: "too long", payload: `{"v":1,"op":"start","w":{"reason":"${"x".repeat(500)}"}}`, error: /over 420/ },
    { name: "another version", payload: '{"v":2,"op":"start"}', error: /version/ },
    { name: "unknown op", payload: '{"v":1,"op":"pause"}', error: /neither start nor end/ },
    { name: "bad id", payload: JSON.stringify({ v: 1, op: "start", w: { ...window(), id: "../../etc" } }), error: /16 hex/ },
    { name: "no target", payload: JSON.stringify({ v: 1, op: "start", w: { ...window(), node: undefined } }), error: /neither a node nor a check/ },
    { name: "control characters in the reason", payload: JSON.stringify({ v: 1, op: "start", w: window({ reason: "a\u001b[31m" }) }), error: /reason/ },
    { name: "a fractional time", payload: JSON.stringify({ v: 1, op: "start", w: window({ untilMs: NOW + 0.5 }) }), error: /integer Unix milliseconds/ },
    { name: "a time as a string", payload: JSON.stringify({ v: 1, op: "start", w: { ...window(), untilMs: String(NOW + HOUR) } }), error: /integer Unix milliseconds/ },
    { name: "longer than 7 days", payload: JSON.stringify({ v: 1, op: "start", w: window({ untilMs: NOW + MAINTENANCE_DURATION_MAX_MS + 1 }) }), error: /longer than 7 days/ },
    { name: "ends before it starts", payload: JSON.stringify({ v: 1, op: "start", w: window({ untilMs: NOW - HOUR }) }), error: /shorter than a second/ },
    { name: "starts far in the future", payload: JSON.stringify({ v: 1, op: "start", w: window({ startedAtMs: NOW + 2 * HOUR, untilMs: NOW + 3 * HOUR }) }), error: /future/ },
    { name: "an extra key", payload: JSON.stringify({ v: 1, op: "start", w: { ...window(), admin: true } }), error: /unknown key "admin"/ },
    { name: "an end with a bad node", payload: JSON.stringify({ v: 1, op: "end", id: "0123456789abcdef", by: "", atMs: NOW }), error: /by is not/ },
  ];
  for (const c of hostile) {
    test(`refused from the network: ${c.name}`, () => {
      const decoded = decodeMaintenanceMessage(c.payload, NOW);
      expect(decoded.ok).toBe(false);
      if (!decoded.ok) expect(decoded.error).toMatch(c.error);
    });
  }
});

describe("MaintenanceTable", () => {
  test("a node window mutes the node, not another one; a check window mutes that check", () => {
    const table = new MaintenanceTable();
    expect(table.start(window(), NOW)).toBe("added");
    expect(table.start(window({ id: "1111111111111111", node: undefined, check: "ntp" }), NOW)).toBe("added");
    expect(table.start(window({ id: "2222222222222222", node: "n2", check: "docker" }), NOW)).toBe("added");
    expect(table.nodeWindow("n1")?.id).toBe("0123456789abcdef");
    expect(table.nodeWindow("n2")).toBeUndefined();
    expect(table.checkWindow("n3", "ntp")?.id).toBe("1111111111111111");
    expect(table.checkWindow("n2", "docker")?.id).toBe("2222222222222222");
    expect(table.checkWindow("n3", "docker")).toBeUndefined();
  });

  test("the same start twice changes nothing; a window already over is not taken", () => {
    const table = new MaintenanceTable();
    expect(table.start(window(), NOW)).toBe("added");
    expect(table.start(window({ reason: "changed" }), NOW)).toBe("known");
    expect(table.get("0123456789abcdef")?.reason).toBe("kernel upgrade");
    expect(table.start(window({ id: "3333333333333333" }), NOW + HOUR)).toBe("over");
  });

  test("it expires at until, not a millisecond before", () => {
    const table = new MaintenanceTable();
    table.start(window(), NOW);
    expect(table.nextEndMs()).toBe(NOW + HOUR);
    expect(table.expire(NOW + HOUR - 1)).toEqual([]);
    expect(table.expire(NOW + HOUR).map((w) => w.id)).toEqual(["0123456789abcdef"]);
    expect(table.nodeWindow("n1")).toBeUndefined();
    expect(table.nextEndMs()).toBeUndefined();
  });

  test("an ended window is not revived by a late re-announcement", () => {
    const table = new MaintenanceTable();
    table.start(window(), NOW);
    expect(table.end("0123456789abcdef", NOW)?.node).toBe("n1");
    expect(table.start(window(), NOW + 1000)).toBe("ended");
    expect(table.nodeWindow("n1")).toBeUndefined();
    // An end heard before its start counts too.
    table.end("4444444444444444", NOW + HOUR);
    expect(table.start(window({ id: "4444444444444444" }), NOW)).toBe("ended");
  });

  test("it is bounded: past the maximum a start is refused", () => {
    const table = new MaintenanceTable(2);
    expect(table.start(window({ id: "0000000000000001" }), NOW)).toBe("added");
    expect(table.start(window({ id: "0000000000000002" }), NOW)).toBe("added");
    expect(table.start(window({ id: "0000000000000003" }), NOW)).toBe("full");
    expect(table.active()).toHaveLength(2);
  });

  test("its state round-trips", () => {
    const table = new MaintenanceTable();
    table.start(window(), NOW);
    table.end("5555555555555555", NOW + HOUR);
    expect(table.state()).toEqual({ windows: [window()], ended: [{ id: "5555555555555555", untilMs: NOW + HOUR }] });
  });
});
