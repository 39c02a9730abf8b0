#!/usr/bin/env bash
# The part of the suite that runs under Deno (docs/deno.md): the simulation, membership, status
# rules, probes, HTTP app and memory store tests, unchanged (bun:test is mapped to a shim over
# Deno.test by test/deno/import-map.json), and two real agents on loopback (real-agent.deno.ts).
# Deno comes from the npm devDependency; nothing is downloaded. Ends with one line:
# "deno tests: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
deno=node_modules/.bin/deno
if ! "$deno" --version >/dev/null 2>&1; then
  echo "deno tests: 0 passed, 1 failed"
  echo "test-deno: $deno does not run; run npm install (the deno devDependency brings it)" >&2
  exit 1
fi

files=(
  test/membership/*.test.ts
  test/sim/agent-cluster.test.ts
  test/sim/agent-events.test.ts
  test/sim/agent-maintenance.test.ts
  test/sim/agent-time-series.test.ts
  test/sim/probe-sync.test.ts
  test/cluster/cluster-status.test.ts
  test/cluster/cluster-view.test.ts
  test/probes/*.test.ts
  test/api/app.test.ts
  test/store/memory.test.ts
  test/kv/memory-replica-store.test.ts
  test/kv/replicated-kv-contract.test.ts
  test/kv/replication.test.ts
  test/kv/kv-wire.test.ts
  test/sim/agent-kv.test.ts
  test/deno/*.deno.ts
)

log=$(mktemp)
trap 'rm -f "$log"' EXIT
# --no-check: tsc type-checks these files already (with Bun's types); Deno only runs them.
# --unstable-net: Deno.listenDatagram (the gossip UDP socket).
NO_COLOR=1 "$deno" test --no-check --allow-all --unstable-net --import-map test/deno/import-map.json "${files[@]}" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
summary=$(grep -E '^(ok|FAILED) \| [0-9]+ passed' "$log" | tail -1)
passed=$(echo "$summary" | grep -Eo '[0-9]+ passed' | grep -Eo '[0-9]+' || echo 0)
failed=$(echo "$summary" | grep -Eo '[0-9]+ failed' | grep -Eo '[0-9]+' || echo 0)
# A run that ended before its summary (a crash) counts as one failure.
[ -n "$summary" ] || failed=1
echo "deno tests: ${passed:-0} passed, ${failed:-0} failed"
exit "$status"
