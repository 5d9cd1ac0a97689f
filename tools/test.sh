#!/usr/bin/env bash
# The test command: builds once, then runs every test project. Unit tests live in tests/*.Tests (they start nothing);
# integration tests live in tests/*.IntegrationTests (they start moto_server, the local stack and chromium themselves,
# and run the four functions' native bootstraps, built here once by `make bootstraps`). Prints a closing
# "N passed, N failed" line.
#   tools/test.sh            everything
#   tools/test.sh --unit     the unit projects alone: no server, no process, no native build
#   tools/test.sh --filter … any other dotnet test arguments are passed on to every project
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
args=()
unit=0
for a in "$@"; do
  if [ "$a" = "--unit" ]; then unit=1; else args+=("$a"); fi
done

# Release: the local stack runs the functions from their Release build (tools/BadgeFlow.Local/Lambda/FunctionBuilder),
# so building everything in Release here leaves the stack's own `dotnet build` nothing to do.
configuration=Release
# BADGEFLOW_TEST_RESULTS=<dir> keeps the logs, trx files and timings there (for measuring); otherwise a temp folder.
if [ -n "${BADGEFLOW_TEST_RESULTS:-}" ]; then
  results="$BADGEFLOW_TEST_RESULTS"; mkdir -p "$results"
else
  results=$(mktemp -d); trap 'rm -rf "$results"' EXIT
fi
status=0

unit_projects=(tests/*.Tests/*.Tests.csproj)
# The slowest project first (the local stack's end to end tests), so it is never the one left running at the end.
integration_projects=(tests/BadgeFlow.Local.IntegrationTests/BadgeFlow.Local.IntegrationTests.csproj)
for p in tests/*.IntegrationTests/*.IntegrationTests.csproj; do
  [ "$p" = "${integration_projects[0]}" ] || integration_projects+=("$p")
done
if [ $unit -eq 1 ]; then projects=("${unit_projects[@]}"); else projects=("${integration_projects[@]}" "${unit_projects[@]}"); fi

# Projects whose tests run the native bootstraps wait for `make bootstraps`; every other one starts once the build is done.
needs_bootstraps() { grep -rlq --include='*.cs' 'NativeBootstraps' "$(dirname "$1")"; }

# One build of exactly the projects this run tests (a solution filter over Functions.sln).
filter="$results/run.slnf"
python3 - "$PWD/Functions.sln" "$filter" "${projects[@]}" <<'PY'
import json, sys
solution, target, projects = sys.argv[1], sys.argv[2], sys.argv[3:]
json.dump({"solution": {"path": solution, "projects": [p.replace("/", "\\") for p in projects]}}, open(target, "w"))
PY

build_log="$results/build.log"
bootstraps=""
if [ $unit -eq 0 ]; then
  # The native bootstraps, as `sam build` makes them (their own artifacts path, so this publish and the solution's
  # build share no output and run side by side).
  export BADGEFLOW_BOOTSTRAPS_DIR="$PWD/artifacts/bootstraps"
  make --no-print-directory bootstraps BOOTSTRAPS_DIR="$BADGEFLOW_BOOTSTRAPS_DIR" >"$results/bootstraps.log" 2>&1 &
  bootstraps=$!
  # The solution build below includes the four function projects in Release, which the local stack runs: its tests
  # need not build them again (tests/BadgeFlow.Local.IntegrationTests/Support/FunctionBuilds.cs).
  export BADGEFLOW_FUNCTIONS_BUILT=1
fi
timing() { echo "$(date +%s) $*" >>"$results/timings.log"; }
timing start
dotnet build "$filter" -c $configuration --nologo -v q -clp:NoSummary >"$build_log" 2>&1 || status=1
timing build done
if [ $status -ne 0 ] && [ -s "$build_log" ]; then cat "$build_log" >&2; echo "build failed" >&2; fi

# Each project in its own test host, side by side: the unit projects are CPU-light, the integration projects mostly
# wait on the peers they start (every peer takes a free port and a temporary folder, so they run side by side).
pids=()
started=()
run_project() {
  local name
  name=$(basename "$1" .csproj)
  dotnet test "$1" -c $configuration --no-build --logger "trx;LogFileName=$name.trx" --results-directory "$results" \
    "${args[@]}" >"$results/$name.log" 2>&1 &
  pids+=($!)
  started+=("$1")
}
if [ $status -eq 0 ]; then
  for project in "${projects[@]}"; do
    if [ -z "$bootstraps" ] || ! needs_bootstraps "$project"; then run_project "$project"; fi
  done
fi
if [ -n "$bootstraps" ]; then
  if wait "$bootstraps"; then
    timing bootstraps done
    if [ $status -eq 0 ]; then
      for project in "${projects[@]}"; do
        if needs_bootstraps "$project"; then run_project "$project"; fi
      done
    fi
  else
    cat "$results/bootstraps.log" >&2
    echo "make bootstraps failed" >&2
    status=1
  fi
fi
for i in "${!pids[@]}"; do
  name=$(basename "${started[$i]}" .csproj)
  if ! wait "${pids[$i]}"; then
    status=1
    cat "$results/$name.log"
  else
    grep -E '^(Passed|Failed)!' "$results/$name.log" || true
  fi
  timing "$name" done
done

python3 - "$results" <<'PY'
import sys, glob, os, xml.etree.ElementTree as ET
from datetime import datetime
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
# Where the time went: the build and `make bootstraps` (seconds from the start), each test project's own run.
marks = {}
if os.path.exists(sys.argv[1] + "/timings.log"):
    for line in open(sys.argv[1] + "/timings.log"):
        at, what = line.split(" ", 1)
        marks.setdefault(what.strip(), int(at))
start = marks.get("start")
if start is not None:
    print("timings: " + ", ".join(f"{w} at {t - start} s" for w, t in marks.items() if w in ("build done", "bootstraps done")))
for path in sorted(glob.glob(sys.argv[1] + "/*.trx")):
    root = ET.parse(path).getroot()
    c = root.find("t:ResultSummary/t:Counters", ns)
    if c is None:
        continue
    times = root.find("t:Times", ns)
    if times is not None and start is not None:
        began, ended = (datetime.fromisoformat(times.get(k)).timestamp() for k in ("start", "finish"))
        print(f"  {os.path.basename(path)[:-4]}: {began - start:.0f} s to {ended - start:.0f} s ({ended - began:.0f} s)")
    passed += int(c.get("passed", 0)); failed += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0))
    skipped += int(c.get("notExecuted", 0))
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
