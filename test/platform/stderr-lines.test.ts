import { expect, test } from "bun:test";
import { createStderrLineWriter, PENDING_BYTES_MAX, type LineStream } from "../../src/platform/stderr-lines.ts";

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
    (flush) => flush(),
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
    (flush) => flush(),
  );
  line("first line");
  line("second");
  expect(calls).toBe(3);
  expect(direct.join("") + text(stream.chunks)).toBe("first line\nsecond\n");
  expect(direct.join("")).toBe("first li");
});

test("a write that takes nothing falls back instead of spinning", () => {
  const stream = fakeStream();
  const line = createStderrLineWriter(() => 0, () => stream, (flush) => flush());
  line("stuck");
  expect(text(stream.chunks)).toBe("stuck\n");
});

/** A writer whose flushes run when the test says; `writes` holds the text of each write to fd 2. */
function heldWriter() {
  const writes: string[] = [];
  const scheduled: (() => void)[] = [];
  const line = createStderrLineWriter(
    (_fd, bytes, offset, length) => {
      writes.push(new TextDecoder().decode(bytes.subarray(offset, offset + length)));
      return length;
    },
    () => fakeStream(),
    (flush) => scheduled.push(flush),
  );
  return { line, writes, scheduled };
}

test("the lines of one turn go out in one write, after the code that logged them", () => {
  const { line, writes, scheduled } = heldWriter();
  line("member-join name=a");
  line("member-join name=b");
  line("member-join name=c");
  expect(writes).toEqual([]);
  expect(scheduled).toHaveLength(1);
  scheduled.shift()?.();
  expect(writes).toEqual(["member-join name=a\nmember-join name=b\nmember-join name=c\n"]);
  line("next turn");
  expect(scheduled).toHaveLength(1);
  scheduled.shift()?.();
  expect(writes).toEqual(["member-join name=a\nmember-join name=b\nmember-join name=c\n", "next turn\n"]);
});

test("flush writes the held lines at once; the scheduled flush then finds nothing", () => {
  const { line, writes, scheduled } = heldWriter();
  line("stopping");
  line.flush();
  expect(writes).toEqual(["stopping\n"]);
  scheduled.shift()?.();
  expect(writes).toEqual(["stopping\n"]);
});

test("more than PENDING_BYTES_MAX held is written without waiting for the turn to end; the turn keeps one scheduled flush", () => {
  const { line, writes, scheduled } = heldWriter();
  const long = "x".repeat(1000);
  for (let i = 0; i * 1001 < PENDING_BYTES_MAX; i++) line(long);
  expect(writes).toHaveLength(1);
  expect(writes[0]?.length).toBeGreaterThanOrEqual(PENDING_BYTES_MAX);
  line("after the bound");
  expect(scheduled).toHaveLength(1);
  scheduled.shift()?.();
  expect(writes.at(-1)).toBe("after the bound\n");
});

test("by default the flush is a microtask: the lines are out before the logging code's next await resumes", async () => {
  const writes: string[] = [];
  const line = createStderrLineWriter((_fd, bytes, offset, length) => {
    writes.push(new TextDecoder().decode(bytes.subarray(offset, offset + length)));
    return length;
  });
  line("one");
  line("two");
  expect(writes).toEqual([]);
  await Promise.resolve();
  expect(writes).toEqual(["one\ntwo\n"]);
});
