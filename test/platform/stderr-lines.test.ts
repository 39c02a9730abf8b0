import { expect, test } from "bun:test";
import { createStderrLineWriter, type LineStream } from "../../src/platform/stderr-lines.ts";

const text = (chunks: (Uint8Array | string)[]) => chunks.map((c) => (typeof c === "string" ? c : new TextDecoder().decode(c))).join("");

function fakeStream(): LineStream & { chunks: (Uint8Array | string)[] } {
  const chunks: (Uint8Array | string)[] = [];
  return { chunks, write: (chunk) => chunks.push(chunk) };
}

test("each line goes to fd 2 whole, with its newline, without creating process.stderr", () => {
  const written: number[] = [];
  let streamAsked = 0;
  const line = createStderrLineWriter(
    (fd, bytes, offset, length) => {
      expect(fd).toBe(2);
      // A pipe may take part of a line: the rest follows in the next write.
      const taken = Math.min(length, 5);
      written.push(...bytes.subarray(offset, offset + taken));
      return taken;
    },
    () => {
      streamAsked++;
      return fakeStream();
    },
  );
  line('msg="gossip listening" ✓');
  line("second");
  expect(new TextDecoder().decode(new Uint8Array(written))).toBe('msg="gossip listening" ✓\nsecond\n');
  expect(streamAsked).toBe(0);
});

test("once fd 2 refuses a write, the rest of that line and every later line go through the stream, in order", () => {
  const stream = fakeStream();
  const direct: string[] = [];
  let calls = 0;
  const line = createStderrLineWriter(
    (_fd, bytes, offset, length) => {
      calls++;
      if (calls === 3) throw Object.assign(new Error("EAGAIN"), { code: "EAGAIN" });
      const taken = Math.min(length, 4);
      direct.push(new TextDecoder().decode(bytes.subarray(offset, offset + taken)));
      return taken;
    },
    () => stream,
  );
  line("first line");
  line("second");
  expect(calls).toBe(3);
  expect(direct.join("") + text(stream.chunks)).toBe("first line\nsecond\n");
  expect(direct.join("")).toBe("first li");
});

test("a write that takes nothing falls back instead of spinning", () => {
  const stream = fakeStream();
  const line = createStderrLineWriter(() => 0, () => stream);
  line("stuck");
  expect(text(stream.chunks)).toBe("stuck\n");
});
