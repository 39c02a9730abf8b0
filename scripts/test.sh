#!/usr/bin/env bash
# The whole test suite: installs the real components tests run against (when missing and
# root), builds dist/satellite for the end-to-end tests, runs every test with bun, then the core
# under Deno (scripts/test-deno.sh), whose results count in the last line.
# Ends with one line: "tests: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH:/usr/sbin:/sbin"

if [ "$(id -u)" -eq 0 ]; then
  bash scripts/install-test-deps.sh || echo "test: could not install every test component; tests that need one say so"
else
  echo "test: not root; skipping installs (tests needing missing components or network namespaces say so)"
fi

bun scripts/build.ts || exit 1

# Strict TypeScript is part of the suite: a type error counts as one failed test.
typecheck=0
tsc --noEmit -p . || { echo "test: typecheck failed (errors above)"; typecheck=1; }
# The dashboard's browser code has DOM types instead of Bun's: its own project.
tsc --noEmit -p src/ui/app || { echo "test: typecheck of the dashboard (src/ui/app) failed (errors above)"; typecheck=1; }

log=$(mktemp)
trap 'rm -f "$log"' EXIT
# --timeout: bunfig.toml's test timeout does not reach beforeAll/afterAll hooks, which then get
# bun's 5 s; hooks that start etcd, serf, Alertmanager or podman can take longer on a busy host.
bun test --timeout=60000 "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
passed=$(grep -Eo '^ *[0-9]+ pass$' "$log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
failed=$(grep -Eo '^ *[0-9]+ fail$' "$log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
# The core under Deno (scripts/test-deno.sh); its results count in the line below.
deno_log=$(mktemp)
bash scripts/test-deno.sh 2>&1 | tee "$deno_log"
deno_status=${PIPESTATUS[0]}
deno_passed=$(grep -Eo '^deno tests: [0-9]+ passed' "$deno_log" | grep -Eo '[0-9]+' || echo 0)
deno_failed=$(grep -Eo '^deno tests: [0-9]+ passed, [0-9]+ failed' "$deno_log" | grep -Eo '[0-9]+ failed' | grep -Eo '[0-9]+' || echo 1)
rm -f "$deno_log"
passed=$(( ${passed:-0} + ${deno_passed:-0} ))
failed=$(( ${failed:-0} + typecheck + ${deno_failed:-1} ))
# Repeat the names of failed bun tests next to the summary, where a CI log's tail shows them.
# Each with the last 30 lines it printed before failing.
if grep -qE '^\(fail\) ' "$log"; then
  echo "failed bun tests:"
  awk '/^\((pass|skip|todo)\) / { n = 0; next }
       /^\(fail\) / { s = n > 30 ? n - 30 : 0; for (i = s; i < n; i++) print "  " buf[i % 30]; print; n = 0; next }
       { buf[n % 30] = $0; n++ }' "$log"
fi
echo "tests: ${passed:-0} passed, ${failed} failed"
[ "$typecheck" -eq 0 ] || exit 1
[ "$deno_status" -eq 0 ] || exit 1
exit "$status"
