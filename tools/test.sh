#!/usr/bin/env bash
# The test command: builds the solution and runs every test project (unit and Integration-tagged; the integration
# tests start moto_server, PostgreSQL, the local stack and chromium themselves, and run the four functions' native
# bootstraps, built here once by `make bootstraps`). Prints a closing "N passed, N failed" line.
#   tools/test.sh            everything
#   tools/test.sh --unit     the unit tests alone: no server, no process, no native build
#   tools/test.sh --filter … any other dotnet test arguments are passed on
set -uo pipefail
cd "$(dirname "$0")/.."
args=()
unit=0
for a in "$@"; do
  if [ "$a" = "--unit" ]; then unit=1; else args+=("$a"); fi
done
results=$(mktemp -d)
status=0
if [ $unit -eq 1 ]; then
  args+=(--filter "Category!=Integration")
else
  # The native bootstraps, as `sam build` makes them (one publish per function per run; the integration tests run them).
  export BADGEFLOW_BOOTSTRAPS_DIR="$PWD/artifacts/bootstraps"
  make --no-print-directory bootstraps BOOTSTRAPS_DIR="$BADGEFLOW_BOOTSTRAPS_DIR" || { echo "make bootstraps failed" >&2; status=1; }
fi
if [ $status -eq 0 ]; then
  dotnet test Functions.sln --logger "trx" --results-directory "$results" "${args[@]}"
  status=$?
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
rm -rf "$results"
exit $status
