import { Hono } from "hono";
import type { UiBundleFile } from "../../scripts/bundle-ui.ts";
import { prepareUiAssets } from "../../src/ui/ui-assets.ts";
import { uiRoutes } from "../../src/ui/ui-routes.ts";

/**
 * A simulated view of an N-node cluster for the dashboard: the real /ui/ routes over the real
 * bundle, a stub /status with N nodes (a tenth degraded with failing probes and their errors),
 * an empty /history and an /events stream the bench can push events into.
 */
export interface StubCluster {
  url: string;
  /** Marks one more node degraded and tells every open /events client. */
  degradeNext(): string;
  stop(): void;
}

const PROBES_PER_NODE = 12;

function stubStatus(size: number, degraded: ReadonlySet<number>, nowMs: number) {
  return {
    status: degraded.size > 0 ? "degraded" : "running",
    summary: degraded.size > 0 ? `degraded nodes: ${[...degraded].map((i) => `node-${i}`).join(", ")}` : undefined,
    timestamp: new Date(nowMs).toISOString(),
    nodes: Array.from({ length: size }, (_, i) => {
      const bad = degraded.has(i);
      return {
        name: `node-${i}`,
        node_name: `node-${i}`,
        member_status: { name: `node-${i}`, node_name: `node-${i}`, addr: `10.0.${Math.floor(i / 250)}.${i % 250}:7946`, status: "alive", tags: { role: i < 3 ? "master" : "node", zone: `zone-${i % 4}` } },
        status: bad ? "degraded" : "running",
        reported_at: new Date(nowMs - (i % 30) * 1000).toISOString(),
        probes: Array.from({ length: PROBES_PER_NODE }, (_, p) => ({
          checker: `check-${p}`,
          status: bad && p < 2 ? "failed" : "running",
          ...(bad && p < 2 ? { error: `check-${p} failed on node-${i}: connection refused by 10.0.0.${p}:2379 after 3 attempts` } : { detail: `all good on node-${i}` }),
        })),
      };
    }),
  };
}

export function startStubCluster(files: readonly UiBundleFile[], size: number): StubCluster {
  const degraded = new Set<number>(Array.from({ length: Math.floor(size / 10) }, (_, i) => i * 10 + 5));
  const clients = new Set<ReadableStreamDefaultController<Uint8Array>>();
  const encoder = new TextEncoder();
  let seq = 0;
  const ui = uiRoutes(async () => prepareUiAssets(files));
  const app = new Hono()
    .route("/", ui)
    .get("/status", (c) => c.json(stubStatus(size, degraded, Date.now())))
    .get("/history", (c) => c.json({ events: [] }))
    .get("/history/series", (c) => c.json({ points: [] }))
    .get("/events", () => {
      let controller!: ReadableStreamDefaultController<Uint8Array>;
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          controller = c;
          clients.add(c);
          c.enqueue(encoder.encode(`: stub\nretry: 1000\n\n`));
        },
        cancel() {
          clients.delete(controller);
        },
      });
      return new Response(body, { headers: { "content-type": "text/event-stream", "cache-control": "no-cache" } });
    });
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: (request) => app.fetch(request) });
  return {
    url: `http://127.0.0.1:${server.port}`,
    degradeNext() {
      const index = [...Array(size).keys()].find((i) => !degraded.has(i)) ?? 0;
      degraded.add(index);
      const event = { seq: ++seq, ts: Date.now(), kind: "node", type: "NodeDegraded", node: `node-${index}`, oldState: "running", newState: "degraded" };
      const bytes = encoder.encode(`id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
      for (const client of clients) client.enqueue(bytes);
      return `node-${index}`;
    },
    stop() {
      for (const client of clients) client.close();
      void server.stop(true);
    },
  };
}
