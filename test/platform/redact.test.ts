import { describe, expect, test } from "bun:test";
import { createMemoryLogger } from "../../src/platform/logger.ts";
import { redactCredentials } from "../../src/platform/redact.ts";

describe("redactCredentials", () => {
  test.each([
    ["http://admin:s3cret@influx:8086", "http://admin:***@influx:8086"],
    ["InfluxDB at https://u:p%40ss@10.0.0.1:8086/ unreachable", "InfluxDB at https://u:***@10.0.0.1:8086/ unreachable"],
    ["https://ghp_token123@registry.local/v2/", "https://***@registry.local/v2/"],
    ["http://influx:8086/write?db=x&u=admin&p=s3cret", "http://influx:8086/write?db=x&u=admin&p=***"],
    ["http://h/x?token=abc&access_token=def&api_key=g", "http://h/x?token=***&access_token=***&api_key=***"],
    ["url=http://[::1]:8086/ path=/a@b", "url=http://[::1]:8086/ path=/a@b"],
    ["http://influx:8086 mail me at ops@example.com", "http://influx:8086 mail me at ops@example.com"],
    ["plain text without URLs", "plain text without URLs"],
  ])("%s", (input, expected) => {
    expect(redactCredentials(input)).toBe(expected);
  });

  test("every log line is redacted, whoever logged the URL", () => {
    const logger = createMemoryLogger();
    logger.warn("fetch failed for http://admin:s3cret@10.0.0.1/", { url: "http://admin:s3cret@10.0.0.1/", error: "at http://x:y@h?p=zz" });
    expect(logger.lines[0]).not.toContain("s3cret");
    expect(logger.lines[0]).not.toContain(":y@");
    expect(logger.lines[0]).not.toContain("zz");
    expect(logger.lines[0]).toContain("admin:***@10.0.0.1");
  });
});

test("JSON stays JSON: a credential pattern never spans quotes", () => {
  const json = JSON.stringify({ a: "http://host:8086", b: "ops@example.com", c: "http://u:p@h/" });
  expect(JSON.parse(redactCredentials(json))).toEqual({ a: "http://host:8086", b: "ops@example.com", c: "http://u:***@h/" });
});
