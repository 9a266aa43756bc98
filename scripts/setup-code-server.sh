#!/usr/bin/env bash
# Installs code-server and what the tests need (chromium, CJK fonts; apt-get on Debian/Ubuntu only):
# scripts/setup-code-server.mjs --for-tests, for the callers that run it with bash (npm test, npm run bench, .ci/run).
# `npm start` calls scripts/setup-code-server.mjs itself and needs no bash.
#
# Usage: bash scripts/setup-code-server.sh [--force] [--plan]   (env: see scripts/setup-code-server.mjs)
set -euo pipefail
exec node "$(dirname "${BASH_SOURCE[0]}")/setup-code-server.mjs" --for-tests "$@"
