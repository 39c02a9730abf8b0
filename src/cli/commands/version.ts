import { defineCommand } from "citty";
import { buildInfo, type VersionInfo } from "../../build-info.ts";
import { runtimeInfo, type RuntimeInfo } from "../../platform/runtime-info.ts";
import { depsOf } from "../command-context.ts";
import { isDataFormat, OUTPUT_ARGS, outputFormatOf, renderData } from "../output-format.ts";

type VersionFacts = VersionInfo & RuntimeInfo;

export function versionFacts(): VersionFacts {
  return { ...buildInfo, ...runtimeInfo() };
}

/** `satellite 1.2.3 (commit abc123, clean) linux/amd64 bun 1.2.3`: what `satellite --version` prints. */
export function versionLine(facts: VersionFacts = versionFacts()): string {
  return `satellite ${facts.version} (commit ${facts.gitCommit}, ${facts.gitTreeState}) ${facts.os}/${facts.arch} ${facts.runtime}`;
}

export const versionCommand = defineCommand({
  meta: { name: "version", description: "Print the version, git commit and tree state, OS, architecture and runtime: lines on a terminal, JSON when piped or with -o json" },
  args: { ...OUTPUT_ARGS },
  run(context) {
    const deps = depsOf(context);
    const facts = versionFacts();
    // As `status`: scripts that read the JSON from a pipe keep getting it.
    const format = outputFormatOf(context.args, deps.isTerminal === true ? "table" : "json");
    if (isDataFormat(format)) {
      deps.out(renderData(format, facts));
      return 0;
    }
    deps.out(
      [
        `satellite ${facts.version}`,
        `commit:   ${facts.gitCommit} (${facts.gitTreeState})`,
        `os/arch:  ${facts.os}/${facts.arch}`,
        `runtime:  ${facts.runtime}`,
      ].join("\n"),
    );
    return 0;
  },
});
