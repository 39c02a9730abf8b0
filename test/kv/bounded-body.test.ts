import { describe, expect, test } from "bun:test";
import { readBodyBounded } from "../../src/kv/bounded-body.ts";
import { readLinesBounded } from "../../src/kv/bounded-lines.ts";

const chunked = (...parts: string[]) =>
  new Response(
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (const part of parts) controller.enqueue(new TextEncoder().encode(part));
        controller.close();
      },
    }),
  );

async function collect(response: Response, lineBytesMax: number): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of readLinesBounded(response, lineBytesMax, "etcd at X")) lines.push(line);
  return lines;
}

describe("readBodyBounded", () => {
  test("a body within the bound is read whole; one byte over is refused naming the server", async () => {
    expect(await readBodyBounded(chunked("ab", "cd"), 4, "etcd at X")).toBe("abcd");
    await expect(readBodyBounded(chunked("ab", "cde"), 4, "etcd at X")).rejects.toThrow("etcd at X answered with more than 4 bytes");
  });

  test("a declared length over the bound is refused before reading", async () => {
    const response = new Response("x".repeat(10), { headers: { "content-length": "10" } });
    await expect(readBodyBounded(response, 4, "etcd at X")).rejects.toThrow("more than 4 bytes");
  });
});

describe("readLinesBounded", () => {
  test("lines split across chunks, several in one chunk, and a last one without a newline", async () => {
    expect(await collect(chunked('{"a":', '1}\n{"b":2}\n{"c"', ":3}"), 16)).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
  });

  test("a line over the bound ends the stream with an error, even without a newline yet", async () => {
    await expect(collect(chunked("12345", "678\n"), 6)).rejects.toThrow("etcd at X sent a stream message longer than 6 bytes");
    await expect(collect(chunked("1234", "5678"), 6)).rejects.toThrow("longer than 6 bytes");
  });
});
