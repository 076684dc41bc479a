#!/usr/bin/env bash
# `npm test`: everything from a fresh clone. Installs, starts the local stack (real Kafka broker, real PostgreSQL),
# migrates, runs the static checks and the unit, integration and e2e tests, stops the stack, and ends with one line:
# "N passed, N failed" (each static check counts as one test, beside vitest's own count).
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh || { echo "0 passed, 1 failed"; exit 1; }

passed=0
failed=0
check() {
  local name=$1; shift
  echo "── $name"
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "✗ $name failed"; fi
}

cleanup() { npm run -s stack:down || true; }
trap cleanup EXIT

if ! npm run -s stack:up; then
  echo "✗ the local stack did not start"
  echo "0 passed, 1 failed"
  exit 1
fi
if ! npm run -s db:migrate; then
  echo "✗ migrations failed"
  echo "0 passed, 1 failed"
  exit 1
fi

check "format" npx prettier --check --log-level warn .
check "lint" npx eslint --max-warnings 0 .
check "typecheck" npx tsc --noEmit -p tsconfig.json
check "build" npx tsc -p tsconfig.build.json

mkdir -p .stack
results=.stack/vitest-results.json
rm -f "$results"
echo "── unit, integration and e2e tests"
npx vitest run --reporter=default --reporter=json --outputFile="$results"
vitest_status=$?
if [ -f "$results" ]; then
  read -r vitest_passed vitest_failed < <(node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    // A file that fails to load counts as a failure even though it ran no test.
    const broken = r.testResults.filter((f) => f.status === "failed" && f.assertionResults.length === 0).length;
    console.log(r.numPassedTests, r.numFailedTests + broken);' "$results")
  passed=$((passed + vitest_passed))
  failed=$((failed + vitest_failed))
  if [ "$vitest_status" -ne 0 ] && [ "$vitest_failed" -eq 0 ]; then failed=$((failed + 1)); fi
else
  failed=$((failed + 1))
fi

cleanup
trap - EXIT
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
