#!/usr/bin/env bash
# Checks the gateway's tools/list with MCP Inspector's CLI in strict mode (tool-schema portability: exit 6 on an
# error-severity problem, every warning printed to stderr). Inspector comes from the npm registry into a cache
# outside the source tree; the gateway runs on a throwaway data directory.
#   scripts/inspect.sh            # cache: ${LLM_GATEWAY_INSPECTOR_CACHE:-$HOME/.cache/llm-cli-gateway/inspector}
set -euo pipefail
cd "$(dirname "$0")/.."
INSPECTOR_VERSION=2.12.0
cache="${LLM_GATEWAY_INSPECTOR_CACHE:-$HOME/.cache/llm-cli-gateway/inspector}"
bin="$cache/node_modules/.bin/mcp-inspector"
if [[ ! -x "$bin" ]]; then
  mkdir -p "$cache"
  [[ -f "$cache/package.json" ]] || printf '{"name":"llm-cli-gateway-inspector","private":true}\n' > "$cache/package.json"
  npm install --prefix "$cache" --no-audit --no-fund --loglevel=error "@modelcontextprotocol/inspector@$INSPECTOR_VERSION" >&2
fi
[[ -f target/llm-cli-gateway.jar ]] || mvn -B -q -DskipTests package >&2
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
out="$data/tools.json"
LLM_GATEWAY_HOME="$data/gw" "$bin" --cli --method tools/list --strict java -jar target/llm-cli-gateway.jar >"$out" 2>"$data/err"
grep -v '^llm-cli-gateway: ' "$data/err" >&2 || true
problems=$(grep -cE '^(Warning|Error):' "$data/err" || true)
echo "Inspector --strict on tools/list: $problems problems"
[[ "$problems" == 0 ]]
