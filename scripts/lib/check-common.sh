# Shared by the real-client checks (check-claude-code.sh, check-codex.sh); sourced, not run.
# Expects LOG (a folder for logs) and WORK (the check's scratch folder, holding config.yaml) to be set.

PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
  || node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

# Starts the scripted upstream (OpenAI, Anthropic and Responses on one port); sets UPSTREAM_PORT.
start_upstream() {
  UPSTREAM_PORT=$(free_port)
  node scripts/fake-upstream.mjs "$UPSTREAM_PORT" > "$LOG/upstream.log" 2>&1 &
  PIDS+=($!)
}

# Builds and starts the gateway on $WORK/config.yaml with MASTER_KEY as BRIDGE_CHECK_MASTER_KEY; waits until it answers.
start_gateway() {
  GATEWAY_PORT=${GATEWAY_PORT:-$(free_port)}
  echo "== building and starting Bridge.Gateway on 127.0.0.1:$GATEWAY_PORT"
  dotnet build Bridge.Gateway/Bridge.Gateway.csproj -nologo -v q > "$LOG/build.log" 2>&1 || { cat "$LOG/build.log"; exit 1; }
  BRIDGE_CHECK_MASTER_KEY="$MASTER_KEY" ConnectionStrings__redis= OTEL_EXPORTER_OTLP_ENDPOINT= \
    dotnet run --no-build --project Bridge.Gateway -- --config "$WORK/config.yaml" --urls "http://127.0.0.1:$GATEWAY_PORT" \
    > "$LOG/gateway.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 60); do curl -sf -o /dev/null "http://127.0.0.1:$GATEWAY_PORT/" && break; sleep 0.5; done
  curl -sf -o /dev/null "http://127.0.0.1:$GATEWAY_PORT/" || { echo "gateway did not start"; cat "$LOG/gateway.log"; exit 1; }
}
