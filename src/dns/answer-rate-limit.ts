/**
 * Response rate limiting for UDP answers (the idea of BIND's RRL): a UDP source address can be
 * forged, so a server that answers every packet can be aimed at a victim. Answers to one client
 * network (IPv4 /24, IPv6 /56) are limited to `answersPerSecond`, with a burst of one second's
 * worth; past it, every `slip`-th answer still goes out as a tiny truncated reply (a real client
 * retries over TCP, which cannot be forged) and the rest are dropped. At most `networksMax`
 * networks are tracked; when more are active at once they share one bucket, so memory stays
 * bounded under a flood of forged sources.
 */

export type RateDecision = "answer" | "slip" | "drop";

export interface AnswerRateLimitOptions {
  answersPerSecond: number;
  /** Every this-many limited answers one is sent truncated; 0 drops them all. */
  slip: number;
  networksMax: number;
}

interface Bucket {
  tokens: number;
  lastMs: number;
  limited: number;
}

/** A network whose bucket was last touched this long ago is full again, so it may be forgotten. */
const IDLE_MS = 1000;
const SHARED = "*";

export class AnswerRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly options: AnswerRateLimitOptions) {}

  /** Whether an answer to `ip` may go out at `nowMs` (monotonic). */
  decide(ip: string, nowMs: number): RateDecision {
    const bucket = this.bucketOf(clientNetwork(ip), nowMs);
    const rate = this.options.answersPerSecond;
    bucket.tokens = Math.min(rate, bucket.tokens + ((nowMs - bucket.lastMs) * rate) / 1000);
    bucket.lastMs = nowMs;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return "answer";
    }
    bucket.limited++;
    return this.options.slip > 0 && bucket.limited % this.options.slip === 0 ? "slip" : "drop";
  }

  /** Networks tracked now, for tests and metrics. */
  trackedNetworks(): number {
    return this.buckets.size;
  }

  private bucketOf(network: string, nowMs: number): Bucket {
    const known = this.buckets.get(network);
    if (known) return known;
    // One place stays for the shared bucket, so the table never holds more than networksMax.
    const ownMax = this.options.networksMax - 1;
    if (this.buckets.size >= ownMax) {
      for (const [key, bucket] of this.buckets) if (key !== SHARED && nowMs - bucket.lastMs >= IDLE_MS) this.buckets.delete(key);
    }
    const own = this.buckets.size - (this.buckets.has(SHARED) ? 1 : 0);
    const key = own >= ownMax ? SHARED : network;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: this.options.answersPerSecond, lastMs: nowMs, limited: 0 };
      this.buckets.set(key, bucket);
    }
    return bucket;
  }
}

/** The client network an address belongs to: IPv4 /24, IPv6 /56; anything else is its own. */
export function clientNetwork(ip: string): string {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.\d{1,3}$/.exec(ip);
  if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}.0/24`;
  const groups = expandIpv6(ip);
  if (groups === undefined) return ip;
  return `${groups.slice(0, 3).join(":")}:${(groups[3] ?? "0000").slice(0, 2)}00::/56`;
}

/** Eight 4-digit lowercase groups, or undefined when `ip` is not an IPv6 literal. */
function expandIpv6(ip: string): string[] | undefined {
  const text = ip.toLowerCase().replace(/%.*$/, "");
  if (!/^[0-9a-f:]+$/.test(text) || text.split("::").length > 2) return undefined;
  const [head = "", tail] = text.split("::");
  const left = head === "" ? [] : head.split(":");
  const right = tail === undefined || tail === "" ? [] : tail.split(":");
  const missing = 8 - left.length - right.length;
  if ((tail === undefined && missing !== 0) || missing < 0) return undefined;
  const groups = [...left, ...Array<string>(missing).fill("0"), ...right];
  if (groups.some((g) => g.length === 0 || g.length > 4)) return undefined;
  return groups.map((g) => g.padStart(4, "0"));
}
