import type { SocketAddress, UdpEndpoint } from "../../src/platform/bun-sockets.ts";
import type { Clock } from "../../src/platform/clock.ts";

/**
 * UDP in one process: endpoints by ip:port, delivery after `delayMs` on the clock, and links
 * that drop everything (one way: from -> to).
 */
export class FakeUdpNet {
  private readonly endpoints = new Map<string, (data: Uint8Array, from: SocketAddress) => void>();
  private readonly cut = new Set<string>();
  delivered = 0;

  constructor(
    private readonly clock: Clock,
    private readonly delayMs: number,
  ) {}

  open(ip: string, port: number, onPacket: (data: Uint8Array, from: SocketAddress) => void): UdpEndpoint {
    const self = { ip, port };
    this.endpoints.set(key(self), onPacket);
    return {
      port,
      send: (data, to) => {
        if (this.cut.has(`${ip}>${to.ip}`)) return undefined;
        const copy = data.slice();
        this.clock.setTimer(this.delayMs, () => {
          const deliver = this.endpoints.get(key(to));
          if (!deliver) return;
          this.delivered++;
          deliver(copy, self);
        });
        return undefined;
      },
      close: () => void this.endpoints.delete(key(self)),
    };
  }

  /** Drops every datagram between the two IPs, both ways. */
  cutLink(a: string, b: string): void {
    this.cut.add(`${a}>${b}`);
    this.cut.add(`${b}>${a}`);
  }

  heal(): void {
    this.cut.clear();
  }
}

function key(address: SocketAddress): string {
  return `${address.ip}:${address.port}`;
}
