import { isIP } from "node:net";
import { z } from "zod";
import type { CheckerKind } from "../probes/checker.ts";
import type { CheckOutcome } from "../probes/check-outcome.ts";
import type { DnsType } from "../platform/dns-client.ts";
import type { CheckerDeps } from "./deps.ts";
import { capText, describeCause, failed, running } from "./_outcome.ts";

const SERVER = /^(?:\[([0-9A-Fa-f:.]+)\]:(\d{1,5})|([0-9.]+):(\d{1,5})|([0-9A-Fa-f:.]+))$/;

/** "10.0.0.2", "10.0.0.2:5353", "[fd00::2]:53" or "fd00::2" -> host and port. */
export function parseNameserver(text: string): { host: string; port: number } | undefined {
  const m = SERVER.exec(text.trim());
  if (!m) return undefined;
  const host = (m[1] ?? m[3] ?? m[5]) as string;
  const port = Number(m[2] ?? m[4] ?? 53);
  if (!isIP(host) || port < 1 || port > 65535) return undefined;
  return { host, port };
}

/** `nameserver` lines of resolv.conf, in order. */
export function parseResolvConf(text: string): string[] {
  return text.split("\n").flatMap((line) => {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    return m ? [m[1] as string] : [];
  });
}

const question = () => z.strictObject({
  name: z.string().regex(/^(\.|([A-Za-z0-9_\-]{1,63}\.)*[A-Za-z0-9_\-]{1,63}\.?)$/, "expected a DNS name such as kubernetes.default.svc.cluster.local"),
  type: z.enum(["A", "AAAA", "NS"]).default("A"),
  /** When set, the reply must contain this address (A/AAAA) or name (NS). */
  expect: z.string().optional(),
});

export const dnsOptions = () => z.strictObject({
  /** Servers to ask; default: every nameserver of resolvConf. */
  nameservers: z
    .array(z.string().refine((s) => parseNameserver(s) !== undefined, "expected an IP address with optional :port, e.g. 10.0.0.2 or [fd00::2]:53"))
    .min(1)
    .optional(),
  resolvConf: z.string().startsWith("/", "expected an absolute path").default("/etc/resolv.conf"),
  /** Per question and server; a server that stays silent fails after this even if the check's timeout is longer. */
  queryTimeoutMs: z.number().int().positive().default(2000),
  questions: z.array(question()).min(1).default([
    { name: ".", type: "NS" },
    { name: "localhost", type: "A" },
  ]),
});

export type DnsOptions = z.output<ReturnType<typeof dnsOptions>>;

/** A reply that says the server works: an answer, or a clean "no such name". */
const WORKING_RCODES = new Set(["NOERROR", "NXDOMAIN"]);

/** Asks every question of every nameserver in parallel; one failed outcome per failed pair. */
export function dnsKind(deps: Pick<CheckerDeps, "dns" | "files">): CheckerKind<DnsOptions> {
  return {
    kind: "dns",
    description: "Each nameserver (resolv.conf by default) answers A and NS questions over UDP",
    options: dnsOptions,
    create(options) {
      return async (ctx): Promise<CheckOutcome[]> => {
        let servers = options.nameservers;
        if (!servers) {
          let text: string | undefined;
          try {
            text = await deps.files.readText(options.resolvConf);
          } catch (error) {
            return [failed(`cannot read ${options.resolvConf}: ${describeCause(error)}`)];
          }
          servers = text === undefined ? [] : parseResolvConf(text).slice(0, 16);
          if (servers.length === 0) return [failed(`no nameserver in ${options.resolvConf}`, { detail: "add a nameserver line or set the nameservers option" })];
        }
        const pairs = servers.flatMap((s) => options.questions.map((q) => ({ server: s, q })));
        const results = await Promise.all(
          pairs.map(async ({ server, q }): Promise<CheckOutcome | undefined> => {
            const label = `${server} ${q.type} ${q.name}`;
            const address = parseNameserver(server);
            if (!address) return failed(`nameserver ${capText(server, 128)} in ${options.resolvConf} is not an IP address`, { detail: capText(label, 256) });
            const controller = new AbortController();
            const onAbort = (): void => controller.abort(ctx.signal.reason);
            ctx.signal.addEventListener("abort", onAbort, { once: true });
            if (ctx.signal.aborted) onAbort();
            const timer = ctx.clock.setTimer(options.queryTimeoutMs, () =>
              controller.abort(new DOMException(`no answer within ${options.queryTimeoutMs} ms`, "TimeoutError")),
            );
            try {
              const reply = await deps.dns.query(address, q.name, q.type as DnsType, controller.signal);
              if (!WORKING_RCODES.has(reply.rcodeName)) return failed(`nameserver ${server} answered ${reply.rcodeName} to ${q.type} ${q.name}`, { detail: label });
              if (q.expect !== undefined && !reply.answers.some((a) => a.data === q.expect || a.data === `${q.expect}.`)) {
                const got = reply.answers.map((a) => a.data).join(", ") || "no records";
                return failed(`nameserver ${server}: ${q.type} ${q.name} gave ${capText(got, 512)}, expected ${q.expect}`, { detail: label });
              }
              return undefined;
            } catch (error) {
              return failed(`nameserver ${server} did not answer ${q.type} ${q.name}: ${describeCause(error)}`, { detail: label });
            } finally {
              timer.cancel();
              ctx.signal.removeEventListener("abort", onAbort);
            }
          }),
        );
        const failures = results.filter((r): r is CheckOutcome => r !== undefined);
        if (failures.length > 0) return failures;
        return [running({ detail: `${servers.length} nameserver(s) answered ${options.questions.length} question(s)`, data: { nameservers: servers } })];
      };
    },
  };
}
