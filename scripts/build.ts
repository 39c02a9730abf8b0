/**
 * Builds dist/satellite: one executable with version facts baked in.
 * Flags: --entry=path (another program's entry, such as examples/custom-agent/main.ts; default
 * src/main.ts), --target=bun-linux-arm64 (cross-compile), --outfile=path, --executable-path=path (the
 * Bun runtime of the target platform; scripts/release.ts passes it so nothing is downloaded).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { AGENT_JIT_POLICY } from "../src/platform/jit-policy.ts";
import { writeUiBundle } from "./bundle-ui.ts";

function git(args: string[]): string {
  try {
    return execFileSync("git", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "";
  }
}

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, "").split("=") as [string, string]));
const outfile = args.outfile ?? "dist/satellite";
const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
const commit = git(["rev-parse", "HEAD"]) || "unknown";
const treeState = git(["rev-parse", "HEAD"]) === "" ? "unknown" : git(["status", "--porcelain"]) === "" ? "clean" : "dirty";

mkdirSync("dist", { recursive: true });
// The dashboard, bundled for browsers, goes into the executable as files under ui/
// (src/ui/embedded-ui.ts reads them): nothing is fetched from elsewhere at run time.
const ui = await writeUiBundle("dist/ui");
const command = [
  "build",
  args.entry ?? "src/main.ts",
  "--compile",
  "--minify",
  "--bytecode",
  // Code only reached through import() (client-node for the Kubernetes checks) stays in its
  // own chunk inside the executable and loads on first use: 10 MB RSS and a third of the
  // start-up CPU saved on agents without Kubernetes checks.
  "--splitting",
  // See src/platform/jit-policy.ts for why and what it measured.
  `--compile-jit-policy=${AGENT_JIT_POLICY}`,
  "--format=esm",
  "--no-compile-autoload-dotenv",
  "--no-compile-autoload-bunfig",
  "--asset=dist/ui",
  `--outfile=${outfile}`,
  `--define=SATELLITE_BUILD_VERSION=${JSON.stringify(pkg.version)}`,
  `--define=SATELLITE_BUILD_COMMIT=${JSON.stringify(commit)}`,
  `--define=SATELLITE_BUILD_TREE_STATE=${JSON.stringify(treeState)}`,
  ...(args.target ? [`--target=${args.target}`] : []),
  ...(args["executable-path"] ? [`--compile-executable-path=${args["executable-path"]}`] : []),
];
const started = performance.now();
const result = spawnSync(process.execPath, command, { stdio: ["ignore", "pipe", "inherit"] });
if (result.status !== 0) {
  console.error(`build failed (bun ${command.join(" ")}); see the errors above`);
  process.exit(result.status ?? 1);
}
console.log(`built ${outfile} (${pkg.version}, ${commit.slice(0, 12)}, ${treeState}) in ${Math.round(performance.now() - started)} ms; dashboard ${ui.files} files, ${(ui.gzipBytes / 1024).toFixed(1)} KiB gzipped`);
