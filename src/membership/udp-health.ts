/** Whether our UDP seems broken: probes that only succeeded over the TCP fallback. */
export interface UdpHealth {
  /** Probes whose target answered only over TCP, since start. */
  tcpOnlyProbes: number;
  /** TCP-only probes in a row, reset by any probe answered over UDP. */
  consecutiveTcpOnly: number;
  /** consecutiveTcpOnly reached the configured threshold: surface it on /readyz. */
  udpSeemsBlocked: boolean;
}

export class UdpHealthTracker {
  private total = 0;
  private consecutive = 0;

  constructor(private readonly threshold: number) {}

  recordUdpSuccess(): void {
    this.consecutive = 0;
  }

  recordTcpOnly(): void {
    this.total++;
    this.consecutive++;
  }

  snapshot(): UdpHealth {
    return {
      tcpOnlyProbes: this.total,
      consecutiveTcpOnly: this.consecutive,
      udpSeemsBlocked: this.consecutive >= this.threshold,
    };
  }
}
