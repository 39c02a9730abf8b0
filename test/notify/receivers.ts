import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, waitFor } from "../support/processes.ts";

/** One request a test receiver got. */
export interface Received {
  headers: Record<string, string>;
  body: string;
  json: Record<string, unknown>;
}

/** A webhook receiver on loopback that keeps every request; `down()` closes its port, `up()` opens it again. */
export class WebhookReceiver {
  readonly requests: Received[] = [];
  private server?: ReturnType<typeof Bun.serve>;
  constructor(readonly port: number) {}

  static async start(): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(await freePort());
    receiver.up();
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  up(): void {
    this.server = Bun.serve({
      hostname: "127.0.0.1",
      port: this.port,
      fetch: async (request) => {
        const body = await request.text();
        this.requests.push({ headers: Object.fromEntries(request.headers), body, json: JSON.parse(body) as Record<string, unknown> });
        return new Response("ok");
      },
    });
  }

  async down(): Promise<void> {
    await this.server?.stop(true);
    this.server = undefined;
  }
}

/** Debian's Alertmanager on a free loopback port, with a receiver that sends nowhere. */
export class AlertmanagerProcess {
  private constructor(
    readonly url: string,
    private readonly proc: ReturnType<typeof Bun.spawn>,
  ) {}

  static async start(): Promise<AlertmanagerProcess> {
    const dir = mkdtempSync(join(tmpdir(), "satellite-am-"));
    writeFileSync(join(dir, "am.yml"), 'route:\n  receiver: "null"\nreceivers:\n  - name: "null"\n');
    const port = await freePort();
    const proc = Bun.spawn(["prometheus-alertmanager", `--config.file=${join(dir, "am.yml")}`, `--storage.path=${join(dir, "data")}`, `--web.listen-address=127.0.0.1:${port}`, "--cluster.listen-address="], { stdout: "ignore", stderr: "ignore" });
    const am = new AlertmanagerProcess(`http://127.0.0.1:${port}`, proc);
    await waitFor(async () => (await fetch(`${am.url}/-/ready`).catch(() => undefined))?.ok === true, 15_000, "alertmanager ready");
    return am;
  }

  /** Alerts Alertmanager holds, with when each ends (a resolved alert ends when it was resolved). */
  async alerts(): Promise<{ labels: Record<string, string>; endsAtMs: number }[]> {
    const response = await fetch(`${this.url}/api/v2/alerts`);
    return ((await response.json()) as { labels: Record<string, string>; endsAt: string }[]).map((a) => ({ labels: a.labels, endsAtMs: Date.parse(a.endsAt) }));
  }

  async stop(): Promise<void> {
    this.proc.kill();
    await this.proc.exited;
  }
}
