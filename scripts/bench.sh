#!/usr/bin/env bash
# Runs a benchmark from src/test/java/io/llmgateway/bench against the freshly built shaded jar.
#   scripts/bench.sh sessions     # issue 2: start-up, session round trips at 0/10k/100k sessions, two writers
#   scripts/bench.sh jobs         # issue 4: submit → jobId, llm_job_status round trip, 50 jobs through the queue
#   scripts/bench.sh overhead [n] # real claude/codex bare vs via the gateway (needs scripts/install-clis.sh)
#   scripts/bench.sh startup [rounds] [java] # issues 6/15: the original 2.11.1 (built by ../shared/anchors/build-original.sh)
#                                 beside our setup entry and README flag entry, interleaved: spawn -> initialize and the first
#                                 tools/call, as ratios to the original; then RSS
#   scripts/bench.sh store [dir]  # issue 2: the session store alone, in-process (dir: scratch space on the disk to test)
#   scripts/bench.sh policy [dir] # issue 5: policy admission and audit line, in-process
#   scripts/bench.sh http [rounds] # issue 12: session_get/session_create over HTTP and stdio, 1/8/32 clients, idle RSS
# Results go to stdout as Markdown rows; copy them into docs/PERFORMANCE.md with the machine description.
set -euo pipefail
cd "$(dirname "$0")/.."
which=${1:-sessions}
mvn -B -q -DskipTests package test-compile >&2
cp=target/test-classes:target/llm-cli-gateway.jar
case "$which" in
  sessions) main=io.llmgateway.bench.SessionBenchmark ;;
  jobs) main=io.llmgateway.bench.JobBenchmark ;;
  overhead) main=io.llmgateway.bench.GatewayOverheadBenchmark ;;
  startup) main=io.llmgateway.bench.StartupBenchmark ;;
  store) main=io.llmgateway.store.StoreBenchmark ;;
  policy) main=io.llmgateway.policy.PolicyOverheadBenchmark ;;
  http) main=io.llmgateway.bench.HttpBenchmark ;;
  *) echo "unknown benchmark '$which'" >&2; exit 2 ;;
esac
if [[ "$which" == startup ]]; then
  original=""
  if [[ -x ../shared/anchors/build-original.sh ]]; then
    original=$(../shared/anchors/build-original.sh 2.11.1) || { echo "could not build the original; measuring ours only" >&2; original=""; }
  else
    echo "../shared/anchors/build-original.sh not found; measuring ours only" >&2
  fi
  set -- "$1" "${2:-20}" "${3:-}" "$original"
fi
measured_java=java
[[ "$which" == startup && -n "${3:-}" ]] && measured_java=$3
echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $("$measured_java" -version 2>&1 | head -1)" >&2
exec java -Dgateway.jar=target/llm-cli-gateway.jar -cp "$cp" "$main" "${@:2}"
