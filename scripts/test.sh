#!/usr/bin/env bash
# Every check, in the order that fails fastest: `npm test` runs this.
# The end-to-end tests start (and stop) their own Ceph RGW and drive Chromium;
# install-system-deps.sh installs both from Debian when they are missing.
set -euo pipefail
# The AWS SDK warns on every start that its 2027 releases will need Node 22; the tests know.
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "system packages (Chromium, Ceph RGW)"
bash scripts/install-system-deps.sh

step "typecheck"
npx tsc --noEmit -p tsconfig.json
npx tsc --noEmit -p tsconfig.examples.json

step "lint"
npx biome check .

step "build"
npm run build --silent

step "package checks (publint, attw)"
npx publint --strict
npx attw --pack . --profile esm-only --exclude-entrypoints style.css

step "bundle size budget"
npx size-limit

step "tests: unit, node, end-to-end (Chromium + RGW)"
npx vitest run
