import { defineCommand } from "citty";
import { buildInfo } from "../../build-info.ts";
import { depsOf } from "../command-context.ts";

export const versionCommand = defineCommand({
  meta: { name: "version", description: "Print the version, git commit and tree state as JSON" },
  run(context) {
    depsOf(context).out(JSON.stringify(buildInfo));
    return 0;
  },
});
