# Sourced by the wrk scripts (wrk-latency.sh, compare-builds.sh). Expects B (the Release build of Bridge.LoadTest),
# W (a work directory), FAKE and FWD (ports).

# The fake OpenAI upstream and the bare forwarder in front of it, as processes (FAKE_PID, FWD_PID), and the
# gateway's config for that upstream in $W/config.yaml.
start_upstream_and_forwarder() {
  dotnet $B/Bridge.LoadTest.dll fake --port $FAKE --chunks 20 > "$W/fake.log" 2>&1 & FAKE_PID=$!
  dotnet $B/Bridge.LoadTest.dll forwarder --port $FWD --upstream http://127.0.0.1:$FAKE/v1/chat/completions > "$W/fwd.log" 2>&1 & FWD_PID=$!
  cat > "$W/config.yaml" <<YAML
model_list:
  - model_name: claude-sonnet-4-5-20250929
    litellm_params: { model: openai/gpt-4o, api_base: "http://127.0.0.1:$FAKE/v1", api_key: sk-fake }
general_settings:
  master_key: sk-bench
YAML
}

# write_lua NAME...: a wrk script $W/NAME.lua posting $W/NAME.json (bridge-* bodies with the gateway's key).
write_lua() {
  local t
  for t in "$@"; do
    {
      printf "local f = io.open('%s/%s.json'); wrk.body = f:read('*a'); f:close()\n" "$W" "$t"
      printf "wrk.method = 'POST'\nwrk.headers['Content-Type'] = 'application/json'\n"
      if [[ $t == bridge-* ]]; then printf "wrk.headers['x-api-key'] = 'sk-bench'\n"; fi
    } > "$W/$t.lua"
  done
}
