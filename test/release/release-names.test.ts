import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { CHECKSUMS_FILE, RELEASE_TARGETS, releaseFile } from "../../scripts/release-targets.ts";

const root = join(import.meta.dir, "../..");
const read = (path: string) => readFileSync(join(root, path), "utf8");

describe("release names: one set everywhere", () => {
  test("the four platforms and their runtime packages", () => {
    expect(RELEASE_TARGETS.map(releaseFile)).toEqual(["satellite-linux-x64", "satellite-linux-arm64", "satellite-linux-x64-musl", "satellite-linux-arm64-musl"]);
    expect(RELEASE_TARGETS.map((t) => t.runtimePackage)).toEqual(["@oven/bun-linux-x64", "@oven/bun-linux-aarch64", "@oven/bun-linux-x64-musl", "@oven/bun-linux-aarch64-musl"]);
  });

  test("package.json runs the release script; the README names every file and the checksums", () => {
    expect((JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts.release).toBe("bun scripts/release.ts");
    const readme = read("README.md");
    for (const target of RELEASE_TARGETS) expect(readme).toContain(`\`dist/${releaseFile(target)}\``);
    expect(readme).toContain(`\`dist/${CHECKSUMS_FILE}\``);
  });

  test("cloud-init downloads a release file by its name, and says which names there are", () => {
    const text = read("deploy/cloud-init.yaml");
    const env = (parse(text) as { write_files: { path: string; content: string }[] }).write_files.find((f) => f.path === "/etc/satellite/satellite.env")?.content ?? "";
    const url = env.match(/^SATELLITE_BINARY_URL=(\S+)$/m)?.[1] ?? "";
    expect(RELEASE_TARGETS.map(releaseFile) as string[]).toContain(url.split("/").pop() ?? "");
    for (const target of RELEASE_TARGETS.slice(0, 2)) expect(text).toContain(releaseFile(target));
    expect(text).toContain(CHECKSUMS_FILE);
  });

  test("the Containerfile starts the executable where scripts/container-context.ts puts it", () => {
    const containerfile = read("deploy/Containerfile");
    expect(containerfile).toMatch(/^FROM scratch$/m);
    expect(containerfile).toContain('ENTRYPOINT ["/usr/local/bin/satellite"]');
    expect(read("scripts/container-context.ts")).toContain('put(executable, "/usr/local/bin/satellite")');
  });
});
