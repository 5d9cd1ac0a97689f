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
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
status=0

unit_projects=(tests/*.Tests/*.Tests.csproj)
integration_projects=(tests/*.IntegrationTests/*.IntegrationTests.csproj)
if [ $unit -eq 1 ]; then projects=("${unit_projects[@]}"); else projects=("${unit_projects[@]}" "${integration_projects[@]}"); fi

# One build of exactly the projects this run tests (a solution filter over Functions.sln).
filter="$results/run.slnf"
python3 - "$PWD/Functions.sln" "$filter" "${projects[@]}" <<'PY'
import json, sys
solution, target, projects = sys.argv[1], sys.argv[2], sys.argv[3:]
json.dump({"solution": {"path": solution, "projects": [p.replace("/", "\\") for p in projects]}}, open(target, "w"))
PY

build_log="$results/build.log"
if [ $unit -eq 1 ]; then
  dotnet build "$filter" -c $configuration --nologo -v q -clp:NoSummary >"$build_log" 2>&1 || status=1
else
  # The native bootstraps, as `sam build` makes them (their own artifacts path, so this publish and the solution's
  # build share no output and run side by side).
  export BADGEFLOW_BOOTSTRAPS_DIR="$PWD/artifacts/bootstraps"
  make --no-print-directory bootstraps BOOTSTRAPS_DIR="$BADGEFLOW_BOOTSTRAPS_DIR" >"$results/bootstraps.log" 2>&1 &
  bootstraps=$!
  dotnet build "$filter" -c $configuration --nologo -v q -clp:NoSummary >"$build_log" 2>&1 || status=1
  if ! wait $bootstraps; then
    cat "$results/bootstraps.log" >&2
    echo "make bootstraps failed" >&2
    status=1
  fi
fi
if [ $status -ne 0 ] && [ -s "$build_log" ]; then cat "$build_log" >&2; echo "build failed" >&2; fi

# Each project in its own test host, all at once: the unit projects are CPU-light, the integration projects mostly
# wait on the peers they start (every peer takes a free port and a temporary folder, so they run side by side).
if [ $status -eq 0 ]; then
  pids=()
  for project in "${projects[@]}"; do
    name=$(basename "$project" .csproj)
    dotnet test "$project" -c $configuration --no-build --logger "trx;LogFileName=$name.trx" --results-directory "$results" \
      "${args[@]}" >"$results/$name.log" 2>&1 &
    pids+=($!)
  done
  for i in "${!pids[@]}"; do
    name=$(basename "${projects[$i]}" .csproj)
    if ! wait "${pids[$i]}"; then
      status=1
      cat "$results/$name.log"
    else
      grep -E '^(Passed|Failed)!' "$results/$name.log" || true
    fi
  done
fi

python3 - "$results" <<'PY'
import sys, glob, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
for path in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(path).getroot().find("t:ResultSummary/t:Counters", ns)
    if c is None:
        continue
    passed += int(c.get("passed", 0)); failed += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0))
    skipped += int(c.get("notExecuted", 0))
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
