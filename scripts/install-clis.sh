#!/usr/bin/env bash
# Installs the pinned provider CLIs (claude, codex, gemini) from the npm registry into a cache
# directory outside the source tree, for the real-CLI tests and the overhead benchmark.
# Idempotent: does nothing when the pinned versions and their binaries are already there.
#
#   scripts/install-clis.sh            # cache: ${LLM_GATEWAY_CLI_CACHE:-$HOME/.cache/llm-cli-gateway/clis}
#   LLM_GATEWAY_CLI_CACHE=/some/dir scripts/install-clis.sh
#
# The binaries arrive as optional npm dependencies (no post-install download); about 750 MB in all.
set -euo pipefail

CLAUDE_VERSION=2.1.197
CODEX_VERSION=0.169.0
GEMINI_VERSION=0.61.0

cache_dir="${LLM_GATEWAY_CLI_CACHE:-$HOME/.cache/llm-cli-gateway/clis}"
modules="$cache_dir/node_modules"

claude_bin="$modules/.bin/claude"
# The npm `codex` is a node launcher; the tests call the native binary directly (faster start-up).
codex_bin="$modules/@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/bin/codex"
gemini_bin="$modules/.bin/gemini"

installed_version() { # <package name> -> version from its package.json, or nothing
  local manifest="$modules/$1/package.json"
  [[ -f "$manifest" ]] && node -p "require(process.argv[1]).version" "$manifest" 2>/dev/null || true
}

up_to_date() {
  [[ "$(installed_version @anthropic-ai/claude-code)" == "$CLAUDE_VERSION" ]] &&
  [[ "$(installed_version @openai/codex)" == "$CODEX_VERSION" ]] &&
  [[ "$(installed_version @google/gemini-cli)" == "$GEMINI_VERSION" ]] &&
  [[ -x "$claude_bin" && -x "$codex_bin" && -x "$gemini_bin" ]]
}

command -v npm >/dev/null || { echo "install-clis: npm is required (Node.js 20+)" >&2; exit 1; }

if up_to_date; then
  echo "install-clis: pinned CLIs already installed in $cache_dir"
else
  echo "install-clis: installing claude-code $CLAUDE_VERSION, codex $CODEX_VERSION, gemini-cli $GEMINI_VERSION into $cache_dir" >&2
  mkdir -p "$cache_dir"
  # A package.json of its own keeps npm from walking up into an unrelated project.
  [[ -f "$cache_dir/package.json" ]] || printf '{"name":"llm-cli-gateway-clis","private":true}\n' > "$cache_dir/package.json"
  npm install --prefix "$cache_dir" --no-audit --no-fund --loglevel=error \
    "@anthropic-ai/claude-code@$CLAUDE_VERSION" "@openai/codex@$CODEX_VERSION" "@google/gemini-cli@$GEMINI_VERSION" >&2
  up_to_date || { echo "install-clis: install finished but a pinned CLI or binary is missing under $modules" >&2; exit 1; }
fi

echo "LLM_GATEWAY_CLI_CACHE=$cache_dir"
echo "claude=$claude_bin"
echo "codex=$codex_bin"
echo "gemini=$gemini_bin"
