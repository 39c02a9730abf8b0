import { runCli } from "./cli/run-cli.ts";
import { createProcessCliDeps } from "./cli/process-cli-deps.ts";

/** The executable's entry: runs the CLI and exits with its code; the only process.exit. */
const code = await runCli(process.argv.slice(2), createProcessCliDeps());
// process.exit drops what a pipe has not taken yet: `satellite config schema | jq` got the first
// 64 KiB. Ending stdout calls back once everything written has been handed over.
await new Promise<void>((resolve) => process.stdout.end(() => resolve()));
process.exit(code);
