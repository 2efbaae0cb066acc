#!/usr/bin/env bash
# Several gateway builds side by side, for a VM whose speed drifts over the hour: one fake upstream, the bare
# forwarder and every build run at once (idle while another is measured), and each round measures the forwarder
# and then each build in turn (in reverse order every other round), on the 150 KB Claude Code request: 32 connections, 32 connections streaming, and
# 1 connection. A slow phase of the machine then hits every build alike.
#   bench/compare-builds.sh [--rounds N] DIR...   (each DIR holds a Release build's Bridge.Gateway.dll)
# Needs: wrk (apt-get install wrk), a Release build of bench/Bridge.LoadTest (bench/run.sh builds it).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=3
if [[ ${1:-} == --rounds ]]; then rounds=$2; shift 2; fi
(( $# > 0 )) || { echo "usage: bench/compare-builds.sh [--rounds N] DIR..." >&2; exit 2; }
dirs=("$@")
B=bench/Bridge.LoadTest/bin/Release/net10.0
W=$(mktemp -d)
FAKE=18961 FWD=18962
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; sleep 1; kill -9 "${pids[@]}" 2>/dev/null || true; rm -rf "$W"; }
trap cleanup EXIT

. bench/wrk-common.sh
start_upstream_and_forwarder
pids+=("$FAKE_PID" "$FWD_PID")
gw_pids=() ports=()
for n in "${!dirs[@]}"; do
  port=$((18970 + n)); ports+=($port)
  OTEL_EXPORTER_OTLP_ENDPOINT= ASPNETCORE_ENVIRONMENT=Production dotnet "${dirs[n]}/Bridge.Gateway.dll" --config "$W/config.yaml" \
    --urls http://127.0.0.1:$port > "$W/gw$n.log" 2>&1 & gw_pids+=($!); pids+=($!)
done
for port in "${ports[@]}"; do for _ in $(seq 1 50); do curl -sf -o /dev/null http://127.0.0.1:$port/ && break; sleep 0.2; done; done

# Bridge's (Anthropic) request, the OpenAI body Bridge sends upstream (the forwarder's), each also streaming.
dotnet $B/Bridge.LoadTest.dll bodies "$W" > /dev/null
for t in bridge-cc direct-cc; do
  python3 -c "import json,sys; d=json.load(open('$W/$t.json')); d['stream']=True; open('$W/${t}s.json','w').write(json.dumps(d,separators=(',',':')))"
done
write_lua bridge-cc bridge-ccs direct-cc direct-ccs

# Warm-up (the JIT's tiers), then the rounds.
for port in "${ports[@]}"; do
  wrk -t1 -c8 -d5s -s "$W/bridge-cc.lua" http://127.0.0.1:$port/v1/messages > /dev/null
  wrk -t1 -c8 -d2s -s "$W/bridge-ccs.lua" http://127.0.0.1:$port/v1/messages > /dev/null
done
wrk -t1 -c8 -d5s -s "$W/direct-cc.lua" http://127.0.0.1:$FWD/ > /dev/null
cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }
run() { # label pid url lua conns
  local c0 c1 out reqs
  c0=$(cpu "$2"); out=$(wrk -t1 -c"$5" -d6s --latency -s "$W/$4.lua" "$3"); c1=$(cpu "$2")
  reqs=$(echo "$out" | awk '/requests in/ {print $1}')
  echo "$out" | awk -v n="$1" -v cpu=$(( (c1 - c0) * 10000000 / reqs / 1000 )) \
    '/ 50%/ {p50=$2} /Requests\/sec/ {r=$2} END {printf "| %s | %s | %s | %s |\n", n, r, p50, cpu}'
}
echo "| round, body, connections, target | req/s | p50 | CPU per request (us) |"
echo "|---|---:|---:|---:|"
for r in $(seq 1 "$rounds"); do
  for s in "cc 32" "ccs 32" "cc 1"; do
    set -- $s
    run "$r, $1, $2, forwarder" $FWD_PID http://127.0.0.1:$FWD/ "direct-$1" "$2"
    # The build measured later in a round came out 5-20 us lower whichever it was: even rounds go in reverse order.
    order=("${!dirs[@]}")
    if (( r % 2 == 0 )); then order=($(printf '%s\n' "${order[@]}" | tac)); fi
    for n in "${order[@]}"; do run "$r, $1, $2, ${dirs[n]}" "${gw_pids[n]}" "http://127.0.0.1:${ports[n]}/v1/messages" "bridge-$1" "$2"; done
  done
done
