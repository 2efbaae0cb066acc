#!/usr/bin/env bash
# End-to-end check with the real Claude Code CLI:
#   Claude Code -> Bridge (/v1/messages, streaming) -> a scripted upstream on loopback: an OpenAI-format deployment on
#   Chat Completions, then on the Responses API (a gpt-5.4 deployment) with thinking on, then Claude on a fake Amazon
#   Bedrock (SigV4, event-stream framing) and on a fake Google Vertex AI (a service-account token).
# 1. a text prompt must come back with the upstream's answer;
# 2. a prompt where the model calls Bash must run the tool, send its output back, and answer with it.
# Installs the CLI from npm into .claude-check/ (needs node + npm). Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
WORK="$ROOT/.claude-check"
mkdir -p "$WORK/home"
LOG="$WORK/logs"; mkdir -p "$LOG"

if [ ! -x "$WORK/node_modules/.bin/claude" ]; then
  echo "== installing @anthropic-ai/claude-code from npm"
  (cd "$WORK" && npm install --silent --no-audit --no-fund @anthropic-ai/claude-code >/dev/null)
fi
CLAUDE="$WORK/node_modules/.bin/claude"
echo "== claude $("$CLAUDE" --version)"

source scripts/lib/check-common.sh
start_upstream
GATEWAY_PORT=$(free_port)
MASTER_KEY="sk-claude-check-$RANDOM$RANDOM"
# A throwaway Google service account whose token endpoint is the fake upstream's.
node -e '
const { generateKeyPairSync } = require("node:crypto");
const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
process.stdout.write(JSON.stringify({ type: "service_account", project_id: "bridge-check", private_key_id: "k1",
  private_key: privateKey.export({ type: "pkcs8", format: "pem" }), client_email: "check@bridge-check.iam.gserviceaccount.com",
  client_id: "1", token_uri: process.argv[1] }));' "http://127.0.0.1:$UPSTREAM_PORT/token" > "$WORK/vertex-sa.json"
cat > "$WORK/config.yaml" <<YAML
model_list:
  - model_name: fake-gpt
    litellm_params:
      model: openai/gpt-4o
      api_base: http://127.0.0.1:$UPSTREAM_PORT/v1
      api_key: sk-not-needed
  - model_name: fake-gpt-next
    litellm_params:
      model: openai/gpt-5.4
      api_base: http://127.0.0.1:$UPSTREAM_PORT/v1
      api_key: sk-not-needed
  - model_name: claude-on-bedrock
    litellm_params:
      model: bedrock/invoke/us.anthropic.claude-sonnet-4-5-20250929-v1:0
      aws_access_key_id: AKIDBRIDGECHECK
      aws_secret_access_key: bridge-check-secret
      aws_region_name: us-east-1
      aws_bedrock_runtime_endpoint: http://127.0.0.1:$UPSTREAM_PORT
  - model_name: claude-on-vertex
    litellm_params:
      model: vertex_ai/claude-sonnet-4-5@20250929
      vertex_project: bridge-check
      vertex_location: us-east5
      vertex_credentials: $WORK/vertex-sa.json
      api_base: http://127.0.0.1:$UPSTREAM_PORT
litellm_settings:
  drop_params: true
  additional_drop_params: ["thinking", "output_config"]
  model_alias_map:
    claude-sonnet-4-5-20250929: fake-gpt
    claude-haiku-4-5-20251001: fake-gpt
    claude-sonnet-5: fake-gpt-next
  callbacks: ["strip_params_hook.strip_params_hook"]
general_settings:
  master_key: os.environ/BRIDGE_CHECK_MASTER_KEY
YAML

start_gateway

run_claude() {
  HOME="$WORK/home" ANTHROPIC_BASE_URL="http://127.0.0.1:$GATEWAY_PORT" ANTHROPIC_AUTH_TOKEN="$MASTER_KEY" \
  ANTHROPIC_API_KEY= ANTHROPIC_SMALL_FAST_MODEL=claude-haiku-4-5-20251001 ANTHROPIC_DEFAULT_HAIKU_MODEL=claude-haiku-4-5-20251001 \
  DISABLE_TELEMETRY=1 CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 DISABLE_AUTOUPDATER=1 IS_SANDBOX=1 \
  timeout 180 "$CLAUDE" -p "$@" < /dev/null
}

FAILED=0
echo "== 1. text prompt"
if OUT=$(run_claude "Say hello." --model claude-sonnet-4-5-20250929 2> "$LOG/claude-text.err") && grep -q "BRIDGE_OK from the fake upstream" <<< "$OUT"; then
  echo "   ok: $OUT"
else
  echo "   FAILED: $OUT"; cat "$LOG/claude-text.err"; FAILED=1
fi

echo "== 2. tool prompt (Bash)"
# The upstream asks for this command; only a real Bash run prints 42-bridge (the arithmetic is not in the prompt's output).
if OUT=$(run_claude 'Please BRIDGE_RUN[echo $((6*7))-bridge] and report the output.' --model claude-sonnet-4-5-20250929 --allowedTools Bash 2> "$LOG/claude-tool.err") \
   && grep -q "The tool printed: 42-bridge" <<< "$OUT"; then
  echo "   ok: $OUT"
else
  echo "   FAILED: $OUT"; cat "$LOG/claude-tool.err"; FAILED=1
fi

# The same two, to a deployment on the OpenAI Responses API (gpt-5.4) with thinking on: the upstream answers
# REASONING_RETURNED only if its own encrypted reasoning came back, in front of its tool call, on the tool-result turn.
echo "== 3. text prompt, Responses deployment, thinking on"
if OUT=$(MAX_THINKING_TOKENS=2048 run_claude "Say hello." --model claude-sonnet-5 2> "$LOG/claude-responses-text.err") \
   && grep -q "BRIDGE_OK from the fake Responses upstream" <<< "$OUT"; then
  echo "   ok: $OUT"
else
  echo "   FAILED: $OUT"; cat "$LOG/claude-responses-text.err"; FAILED=1
fi

echo "== 4. tool prompt (Bash), Responses deployment, thinking on"
if OUT=$(MAX_THINKING_TOKENS=2048 run_claude 'Please BRIDGE_RUN[echo $((6*7))-bridge] and report the output.' --model claude-sonnet-5 --allowedTools Bash \
         2> "$LOG/claude-responses-tool.err") \
   && grep -q "The tool printed: .*42-bridge.* REASONING_RETURNED" <<< "$OUT"; then
  echo "   ok: $OUT"
else
  echo "   FAILED: $OUT"; cat "$LOG/claude-responses-tool.err"; FAILED=1
fi

# Claude itself, behind the two clouds' doors: the fake answers only a signed Bedrock body or a Vertex body with the
# token it issued for the service account; the tool loop goes through event-stream framing on Bedrock.
for cloud in bedrock vertex; do
  label=$([ "$cloud" = bedrock ] && echo Bedrock || echo Vertex)
  echo "== text prompt, Claude on $label"
  if OUT=$(run_claude "Say hello." --model "claude-on-$cloud" 2> "$LOG/claude-$cloud-text.err") \
     && grep -q "BRIDGE_OK from the fake $label upstream" <<< "$OUT"; then
    echo "   ok: $OUT"
  else
    echo "   FAILED: $OUT"; cat "$LOG/claude-$cloud-text.err"; FAILED=1
  fi
  echo "== tool prompt (Bash), Claude on $label"
  if OUT=$(run_claude 'Please BRIDGE_RUN[echo $((6*7))-bridge] and report the output.' --model "claude-on-$cloud" --allowedTools Bash \
           2> "$LOG/claude-$cloud-tool.err") \
     && grep -q "The tool printed: 42-bridge" <<< "$OUT"; then
    echo "   ok: $OUT"
  else
    echo "   FAILED: $OUT"; cat "$LOG/claude-$cloud-tool.err"; FAILED=1
  fi
done

if [ "$FAILED" -ne 0 ]; then
  echo "== gateway log (tail)"; tail -40 "$LOG/gateway.log"
  exit 1
fi
echo "== Claude Code works through Bridge"
