#!/usr/bin/env bash
# `npm run demo`: the main job on the local stack. Installs what is missing, brings up Kafka and PostgreSQL,
# migrates, then runs the live demo until Ctrl-C (which stops what the demo started; the stack stays up:
# `npm run stack:down` stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
npm run -s stack:up
npm run -s db:migrate
exec node --import tsx scripts/demo/live.ts "$@"
