/** The runtime's floor for start-up: a compiled Bun program that answers /livez and holds a UDP socket, and nothing else. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";

const SOURCE = `const port = Number(process.argv[2]);
await Bun.udpSocket({ port: 0, socket: { data() {} } });
Bun.serve({ hostname: "127.0.0.1", port, fetch: (request) => new Response(new URL(request.url).pathname === "/livez" ? "ok" : "not found", { status: new URL(request.url).pathname === "/livez" ? 200 : 404 }) });
`;

/**
 * Compiles the bare program into `dir` with the compile flags the agent's build shares
 * (bench/cost/idle-measure.ts compiles its idle twin the same way); run it as `bare PORT`.
 */
export function buildBareServer(dir: string): string {
  const source = join(dir, "bare-server.ts");
  const outfile = join(dir, "bare-server");
  writeFileSync(source, SOURCE);
  const build = Bun.spawnSync([process.execPath, "build", source, "--compile", "--minify", "--bytecode", "--format=esm", `--outfile=${outfile}`], { stdout: "pipe", stderr: "pipe" });
  if (build.exitCode !== 0) throw new Error(`cannot compile the bare Bun program (${source}): ${build.stderr.toString().trim()}`);
  return outfile;
}
