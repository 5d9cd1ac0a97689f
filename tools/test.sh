#!/usr/bin/env bash
# The test command: builds the solution and runs every test project (unit and Integration-tagged; the integration
# tests start moto_server, the local stack and chromium themselves). Prints a closing "N passed, N failed" line.
# Pass a filter to narrow it, e.g. tools/test.sh --filter "Category!=Integration".
set -uo pipefail
cd "$(dirname "$0")/.."
results=$(mktemp -d)
dotnet test Functions.sln --logger "trx" --results-directory "$results" "$@"
status=$?
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
