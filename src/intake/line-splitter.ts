/**
 * Lines out of a byte stream that arrives in arbitrary pieces (graphite over TCP). Holds at
 * most `lineBytesMax` bytes of an unfinished line: a longer line is skipped up to its newline
 * and reported once, so a client that never sends a newline cannot grow the buffer.
 */
export class LineSplitter {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private skipping = false;
  private readonly decoder = new TextDecoder();

  constructor(private readonly lineBytesMax: number) {}

  /** Complete lines in `chunk` (without the newline or a trailing CR), and how many were too long. */
  push(chunk: Uint8Array): { lines: string[]; tooLong: number } {
    const lines: string[] = [];
    let tooLong = 0;
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(0x0a, start);
      if (newline < 0) break;
      const piece = chunk.subarray(start, newline);
      if (this.skipping || this.pendingBytes + piece.length > this.lineBytesMax) {
        if (!this.skipping) tooLong++;
      } else {
        lines.push(this.decode([...this.pending, piece]));
      }
      this.pending = [];
      this.pendingBytes = 0;
      this.skipping = false;
      start = newline + 1;
    }
    const rest = chunk.subarray(start);
    if (rest.length > 0 && !this.skipping) {
      if (this.pendingBytes + rest.length > this.lineBytesMax) {
        this.skipping = true;
        this.pending = [];
        this.pendingBytes = 0;
        tooLong++;
      } else {
        this.pending.push(rest.slice());
        this.pendingBytes += rest.length;
      }
    }
    return { lines, tooLong };
  }

  /** What is left when the stream ends: a last line without a newline (carbon takes it). */
  end(): string | undefined {
    if (this.skipping || this.pendingBytes === 0) return undefined;
    const line = this.decode(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    return line;
  }

  private decode(pieces: readonly Uint8Array[]): string {
    const text = pieces.length === 1 ? this.decoder.decode(pieces[0]) : pieces.map((p) => this.decoder.decode(p, { stream: true })).join("") + this.decoder.decode();
    return text.endsWith("\r") ? text.slice(0, -1) : text;
  }
}
