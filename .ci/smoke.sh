#!/usr/bin/env bash
# Starts the built server the way `npm start` does, on a fresh data directory:
# writes, reads its own write, stops it with SIGTERM (must exit 0), restarts it on
# the same files and checks the data is still there.
set -euo pipefail
cd "$(dirname "$0")/.."
data=$(mktemp -d)
port=${SMOKE_PORT:-39123}
log="$data/server.log"
url="http://127.0.0.1:$port"
# The first administrator's token (first start only; later starts keep the same administrator).
token=suivi_5e0000000000000000000001_smoke-test-token-not-secret-000000000000000
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; rm -rf "$data"; }
trap cleanup EXIT

start() {
  env -u MONGODB_URL -u EVENTSTORE_URL SUIVI_DATA_DIR="$data/store" PORT=$port HOST=127.0.0.1 SUIVI_ADMIN_TOKEN="$token" \
    node dist/apps/api/src/main.js >>"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do
    if curl -fsS "$url/health/ready" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "server did not become ready; its log:"; cat "$log"; exit 1
}

gql() { curl -fsS "$url/graphql" -H 'content-type: application/json' -H "authorization: Bearer $token" "$@"; }

stop() {
  kill -TERM "$pid"
  local code=0
  wait "$pid" || code=$?
  pid=""
  if [ "$code" -ne 0 ]; then echo "server exited with $code on SIGTERM; its log:"; cat "$log"; exit 1; fi
  grep -q 'stopped cleanly' "$log" || { echo "no clean-shutdown line in the log:"; cat "$log"; exit 1; }
}

start
anonymous=$(curl -sS -o /dev/null -w '%{http_code}' "$url/graphql" -H 'content-type: application/json' -d '{"query":"{ me { id } }"}')
[ "$anonymous" = 401 ] || { echo "a request without a token got HTTP $anonymous, not 401"; exit 1; }
reply=$(gql -d '{"query":"mutation { registerThirdParty(input: {name: \"Smoke Test SARL\", kind: COMPANY, roles: [PROSPECT]}) { position thirdParty { id } } }"}')
position=$(node -e 'const r=JSON.parse(process.argv[1]); if (!r.data) { console.error(JSON.stringify(r)); process.exit(1) } console.log(r.data.registerThirdParty.position)' "$reply")
listed=$(gql -H "x-suivi-consistent-with: $position" -d '{"query":"{ thirdParties(first: 5) { totalCount edges { node { name } } } }"}')
echo "$listed" | grep -q 'Smoke Test SARL' || { echo "the new third party is not listed: $listed"; exit 1; }
stop

start
listed=$(gql -d '{"query":"{ thirdParties(first: 5) { totalCount } }"}')
echo "$listed" | grep -q '"totalCount":1' || { echo "data did not survive a restart: $listed"; exit 1; }
stop
echo "smoke: start, write, read-your-write, SIGTERM, restart — ok"
