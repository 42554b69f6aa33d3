#!/usr/bin/env bash
# Regenerates src/main/resources/io/llmgateway/contract/cli-contracts.json (the CLI contracts the gateway is built
# against) from a directory of --help texts, default ../shared/reference/cli-help. Without changes to the texts the
# file stays byte-identical; CliContractsResourceTest checks it on every build.
set -euo pipefail
cd "$(dirname "$0")/.."
reference="${1:-../shared/reference/cli-help}"
mvn -B -q -o test -Dtest=CliContractsResourceTest -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip=true \
  -Dcli.contracts.write=true -Dcli.contracts.reference="$(cd "$reference" && pwd)"
echo "cli-contracts: wrote src/main/resources/io/llmgateway/contract/cli-contracts.json"
