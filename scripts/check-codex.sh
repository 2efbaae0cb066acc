#!/usr/bin/env bash
# End-to-end check with the real Codex CLI (an OpenAI Responses API client):
#   Codex -> Bridge (POST /v1/responses, streaming) -> a scripted upstream on loopback, three times:
#   a Chat Completions deployment, an Anthropic deployment and a Responses deployment. For each:
# 1. a text prompt must come back with the upstream's answer;
# 2. a prompt where the model calls exec_command must run it, send its output back, and answer with it.
# Installs the CLI from npm into .codex-check/ (needs node + npm). Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
WORK="$ROOT/.codex-check"
rm -rf "$WORK/home"; mkdir -p "$WORK/home/.codex" "$WORK/project"
LOG="$WORK/logs"; mkdir -p "$LOG"

if [ ! -x "$WORK/node_modules/.bin/codex" ]; then
  echo "== installing @openai/codex 0.169.0 from npm"
  (cd "$WORK" && npm install --silent --no-audit --no-fund @openai/codex@0.169.0 >/dev/null)
fi
CODEX="$WORK/node_modules/.bin/codex"
echo "== $("$CODEX" --version)"

source scripts/lib/check-common.sh
start_upstream
GATEWAY_PORT=$(free_port)
MASTER_KEY="sk-codex-check-$RANDOM$RANDOM"
cat > "$WORK/config.yaml" <<YAML
model_list:
  - model_name: codex-on-chat
    litellm_params: { model: openai/gpt-4o, api_base: "http://127.0.0.1:$UPSTREAM_PORT/v1", api_key: sk-not-needed }
  - model_name: codex-on-claude
    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: "http://127.0.0.1:$UPSTREAM_PORT", api_key: sk-not-needed }
  - model_name: codex-on-responses
    litellm_params: { model: openai/responses/gpt-5.5, api_base: "http://127.0.0.1:$UPSTREAM_PORT/v1", api_key: sk-not-needed }
litellm_settings:
  drop_params: true
general_settings:
  master_key: os.environ/BRIDGE_CHECK_MASTER_KEY
YAML

start_gateway

run_codex() {
  local model=$1; shift
  cat > "$WORK/home/.codex/config.toml" <<TOML
model = "$model"
model_provider = "bridge"

[model_providers.bridge]
name = "Bridge"
base_url = "http://127.0.0.1:$GATEWAY_PORT/v1"
env_key = "BRIDGE_KEY"
wire_api = "responses"
TOML
  (cd "$WORK/project" && HOME="$WORK/home" BRIDGE_KEY="$MASTER_KEY" RUST_LOG=error \
    timeout 180 "$CODEX" exec --skip-git-repo-check --dangerously-bypass-approvals-and-sandbox "$@" < /dev/null)
}

FAILED=0
for model in codex-on-chat codex-on-claude codex-on-responses; do
  echo "== $model: text prompt"
  if OUT=$(run_codex "$model" "Say hello." 2> "$LOG/$model-text.err") && grep -q "BRIDGE_OK from the fake" <<< "$OUT"; then
    echo "   ok: $(tail -1 <<< "$OUT")"
  else
    echo "   FAILED: $OUT"; tail -20 "$LOG/$model-text.err"; FAILED=1
  fi
  echo "== $model: tool prompt (exec_command)"
  # The upstream asks for this command; only a real run prints 42-bridge (the arithmetic is not in the prompt).
  # Codex wraps the command's output in a header over several lines, which the upstream quotes back.
  if OUT=$(run_codex "$model" 'Please BRIDGE_RUN[echo $((6*7))-bridge] and report the output.' 2> "$LOG/$model-tool.err") \
     && grep -q "The tool printed:" <<< "$OUT" && grep -q "42-bridge" <<< "$OUT"; then
    echo "   ok: $(grep -m1 'The tool printed' <<< "$OUT")"
  else
    echo "   FAILED: $OUT"; tail -20 "$LOG/$model-tool.err"; FAILED=1
  fi
done

if [ "$FAILED" -ne 0 ]; then
  echo "== gateway log (tail)"; tail -40 "$LOG/gateway.log"
  exit 1
fi
echo "== Codex CLI works through Bridge"
