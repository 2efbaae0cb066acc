#!/usr/bin/env bash
# Bridge benchmark suite, one command: builds Release, runs the BenchmarkDotNet translator benchmarks
# and the macro load run (Bridge vs the fake upstream called directly, same run), and writes
# bench/results/latest.md with the machine it ran on. See docs/benchmarks.md.
#
#   bench/run.sh            full: BenchmarkDotNet default job; 10 s per load target after 2 s warm-up (~12 min)
#   bench/run.sh --quick    short job; 3 s per load target (~4 min)
#   bench/run.sh --smoke    dry job; 1 s per load target (checks that everything runs, numbers meaningless)
#   bench/run.sh --soak     also the 10-minute streaming soak (Bridge RSS sampled every 10 s)
#   bench/run.sh --macro-only / --micro-only
#   bench/run.sh --before <dir of another build's Bridge.Gateway.dll>   also measures that build first (before/after, same run)
set -euo pipefail
cd "$(dirname "$0")/.."

mode=full soak=0 micro=1 macro=1 before=""
args=("$@")
for ((n = 0; n < ${#args[@]}; n++)); do
  arg=${args[n]}
  case "$arg" in
    --before) n=$((n + 1)); before=$(cd "${args[n]}" && pwd) ;;
    --quick) mode=quick ;;
    --smoke) mode=smoke ;;
    --soak) soak=1 ;;
    --macro-only) micro=0 ;;
    --micro-only) macro=0 ;;
    *) echo "unknown option $arg" >&2; exit 2 ;;
  esac
done
case "$mode" in
  full)  job=(); load=(--duration 10 --warmup 2) ;;
  quick) job=(--job short); load=(--duration 3 --warmup 1) ;;
  smoke) job=(--job dry); load=(--duration 1 --warmup 0.5) ;;
esac

results=bench/results
mkdir -p "$results"
dotnet build -c Release bench/Bridge.Benchmarks -nologo -v q
dotnet build -c Release bench/Bridge.LoadTest -nologo -v q

machine() {
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM"
  echo "- OS: $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
  echo "- .NET: SDK $(dotnet --version), runtime $(dotnet --list-runtimes | awk '/Microsoft.NETCore.App/ {v=$2} END {print v}')"
  echo "- commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with uncommitted changes)')"
  echo "- load average at start: $(cat /proc/loadavg)"
}

{
  echo "# Bridge benchmark results ($mode run)"
  echo
  echo "Written by \`bench/run.sh${*:+ $*}\` on $(date -u '+%Y-%m-%d %H:%M') UTC."
  echo
  machine
  echo
} > "$results/latest.md.tmp"

if [[ $micro == 1 ]]; then
  rm -rf "$results/micro"
  (cd bench/Bridge.Benchmarks/bin/Release/net10.0 && dotnet Bridge.Benchmarks.dll --filter '*' --inProcess "${job[@]}" \
      --exporters github --artifacts "$OLDPWD/$results/micro") | tee "$results/micro.log" | grep -E '^\| |Claude Code request' || true
  {
    echo "## Micro: translators (BenchmarkDotNet, in-process toolchain)"
    echo
    for report in "$results"/micro/results/*-report-github.md; do
      sed -n '/^|/p' "$report"
      echo
    done
  } >> "$results/latest.md.tmp"
fi

if [[ $macro == 1 && -n $before ]]; then
  dotnet bench/Bridge.LoadTest/bin/Release/net10.0/Bridge.LoadTest.dll macro "${load[@]}" --gateway "$before/Bridge.Gateway.dll" --out "$results/macro-before.md"
  { echo "## Macro, before: the build in $before, same harness and session"; echo; cat "$results/macro-before.md"; echo; } >> "$results/latest.md.tmp"
fi

if [[ $macro == 1 ]]; then
  dotnet bench/Bridge.LoadTest/bin/Release/net10.0/Bridge.LoadTest.dll macro "${load[@]}" --out "$results/macro.md"
  { echo "## Macro: Bridge vs the fake upstream called directly (loopback)"; echo; cat "$results/macro.md"; echo; } >> "$results/latest.md.tmp"
fi

if [[ $soak == 1 ]]; then
  dotnet bench/Bridge.LoadTest/bin/Release/net10.0/Bridge.LoadTest.dll soak --soak-minutes 10 --out "$results/soak.md" || true
  { echo "## Soak: streaming for 10 minutes"; echo; cat "$results/soak.md"; echo; } >> "$results/latest.md.tmp"
fi

echo "- load average at end: $(cat /proc/loadavg)" >> "$results/latest.md.tmp"
mv "$results/latest.md.tmp" "$results/latest.md"
echo "wrote $results/latest.md"
