import { runCli } from "./cli/run-cli.ts";
import { createProcessCliDeps } from "./cli/process-cli-deps.ts";

/** The executable's entry: runs the CLI and exits with its code; the only process.exit. */
const code = await runCli(process.argv.slice(2), createProcessCliDeps());
process.exit(code);
