#!/usr/bin/env bash
# Added latency at 1 connection measured with wrk (the issue's suggested tool; a C client that takes far
# less CPU than the .NET load generator, which matters on 2 cores). Starts the fake upstream, the gateway and
# a bare .NET forwarder (Kestrel in, HttpClient out, bytes copied: the floor of any .NET gateway) as separate
# processes on loopback, warms them up, then runs direct, forwarder and Bridge alternately, 3 rounds of 5 s.
# Needs: wrk (apt-get install wrk), a Release build of bench/Bridge.LoadTest (bench/run.sh builds it).
set -euo pipefail
cd "$(dirname "$0")/.."
B=bench/Bridge.LoadTest/bin/Release/net10.0
W=$(mktemp -d)
FAKE=18911 GW=18912 FWD=18913
cleanup() { kill "$FAKE_PID" "$GW_PID" "$FWD_PID" 2>/dev/null || true; sleep 1; kill -9 "$FAKE_PID" "$GW_PID" "$FWD_PID" 2>/dev/null || true; rm -rf "$W"; }
trap cleanup EXIT

. bench/wrk-common.sh
start_upstream_and_forwarder
OTEL_EXPORTER_OTLP_ENDPOINT= ASPNETCORE_ENVIRONMENT=Production dotnet $B/Bridge.Gateway.dll --config "$W/config.yaml" \
  --urls http://127.0.0.1:$GW > "$W/gw.log" 2>&1 & GW_PID=$!
for _ in $(seq 1 50); do curl -sf -o /dev/null http://127.0.0.1:$GW/ && break; sleep 0.2; done

# The non-streaming bodies: Bridge's (Anthropic) and the OpenAI body Bridge sends upstream (for the direct runs).
dotnet $B/Bridge.LoadTest.dll bodies "$W"
write_lua bridge-small bridge-cc direct-small direct-cc

p50() { wrk -t1 -c1 -d"$2" --latency -s "$W/$1.lua" "$3" | awk '/ 50%/ {print $2}'; }
# Warm up the JIT on every path.
for t in bridge-small bridge-cc; do wrk -t1 -c8 -d6s -s "$W/$t.lua" http://127.0.0.1:$GW/v1/messages > /dev/null; done
for t in direct-small direct-cc; do
  wrk -t1 -c8 -d3s -s "$W/$t.lua" http://127.0.0.1:$FAKE/v1/chat/completions > /dev/null
  wrk -t1 -c8 -d4s -s "$W/$t.lua" http://127.0.0.1:$FWD/v1/chat/completions > /dev/null
done

# The forwarder gets the OpenAI body (what the fake would get directly): it only adds the hop.
echo "| round | direct small p50 | bare forwarder small p50 | bridge small p50 | direct Claude-Code p50 | bare forwarder Claude-Code p50 | bridge Claude-Code p50 |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
for round in 1 2 3; do
  ds=$(p50 direct-small 5s http://127.0.0.1:$FAKE/v1/chat/completions)
  fs=$(p50 direct-small 5s http://127.0.0.1:$FWD/v1/chat/completions)
  bs=$(p50 bridge-small 5s http://127.0.0.1:$GW/v1/messages)
  dc=$(p50 direct-cc 5s http://127.0.0.1:$FAKE/v1/chat/completions)
  fc=$(p50 direct-cc 5s http://127.0.0.1:$FWD/v1/chat/completions)
  bc=$(p50 bridge-cc 5s http://127.0.0.1:$GW/v1/messages)
  echo "| $round | $ds | $fs | $bs | $dc | $fc | $bc |"
done
