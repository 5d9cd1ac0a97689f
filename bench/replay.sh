#!/usr/bin/env bash
# Runs the demo's replay and samples the resident memory of the tool and of every function process it starts.
# Prints the demo's own output, then per process its peak RSS (VmHWM) and its RSS at 25/50/75/100 % of the run.
# Usage: bench/replay.sh [demo options...]   e.g. bench/replay.sh --attendees 60000 --minutes 600 --speed 10000
# Environment: INTERVAL (seconds between samples, default 2), WORK (working directory, default /tmp/replay-demo).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
interval="${INTERVAL:-2}"
work="${WORK:-/tmp/replay-demo}"
samples="$(mktemp)"
dotnet build "$root/tools/BadgeFlow.Local" -c Release -v q -nologo >/dev/null
cd "$root"
dotnet "$root/tools/BadgeFlow.Local/bin/Release/net10.0/badgeflow-local.dll" demo --work "$work" "$@" &
tool=$!
start=$(date +%s)
# One line per sample and process: elapsed seconds, name, RSS kB, peak kB.
sample() {
  local now pids p name
  now=$(( $(date +%s) - start ))
  pids="$tool $(pgrep -P "$tool" 2>/dev/null || true)"
  for p in $pids; do
    [ -r "/proc/$p/status" ] || continue
    name=$(tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null | awk '{for(i=1;i<=NF;i++) if ($i ~ /BadgeFlow\.[A-Za-z]+(\.dll)?$/) {n=$i; sub(/.*\//,"",n); sub(/\.dll$/,"",n); print n; exit}}')
    [ -n "$name" ] || name="pid$p"
    [ "$p" = "$tool" ] && name="badgeflow-local"
    [ "$name" = "pid$p" ] && continue # a build or other helper process, not part of the pipeline
    cpu=$(awk '{print ($14 + $15) / 100}' "/proc/$p/stat" 2>/dev/null || echo 0)
    awk -v t="$now" -v n="$name" -v p="$p" -v c="$cpu" '/^VmRSS/{r=$2} /^VmHWM/{h=$2} END{if (r) print t, n "#" p, r, h, c}' "/proc/$p/status" 2>/dev/null || true
  done >> "$samples"
}
while kill -0 "$tool" 2>/dev/null; do sample; sleep "$interval"; done
rc=0; wait "$tool" || rc=$? # the demo fails a short day (fewer than 8 reports): still print the figures
echo
echo "Resident memory (MiB): peak, and RSS at 25/50/75/100 % of the process's samples (${interval}s apart); CPU seconds used"
awk '
  { key=$2; t[key, ++n[key]]=$1; r[key, n[key]]=$3; if ($4 > peak[key]) peak[key]=$4; cpu[key]=$5; if (!(key in seen)) { seen[key]=1; order[++k]=key } }
  END {
    for (i=1; i<=k; i++) { key=order[i]; m=n[key]; name=key; sub(/#.*/, "", name)
      q1=r[key, int(m*0.25)>0?int(m*0.25):1]; q2=r[key, int(m*0.5)>0?int(m*0.5):1]; q3=r[key, int(m*0.75)>0?int(m*0.75):1]; q4=r[key, m]
      printf "%-22s peak %6.0f   %6.0f %6.0f %6.0f %6.0f   cpu %7.1f s\n", name, peak[key]/1024, q1/1024, q2/1024, q3/1024, q4/1024, cpu[key] }
  }' "$samples"
rm -f "$samples"
exit "$rc"
