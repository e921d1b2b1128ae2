#!/usr/bin/env bash
# A MongoDB wire-protocol server on loopback for the ReadStore contract suite.
#
# No MongoDB server can be installed on our machines, so the MongoDB adapter is
# tested against mongo-java-server (de.bwaldvogel, from Maven Central), which
# speaks the real wire protocol to the official Node driver.
#
#   .ci/mongo-wire-server.sh install   fetch the jars (idempotent; instant when present)
#   .ci/mongo-wire-server.sh start     start on 127.0.0.1:$MONGO_WIRE_PORT, print MONGODB_URL=…
#                                      (also written to $SUIVI_TOOLS_DIR/mongo-wire.env); each
#                                      start begins with an empty store
#   .ci/mongo-wire-server.sh stop      stop the server this script started
#   .ci/mongo-wire-server.sh status
#
# Environment:
#   SUIVI_TOOLS_DIR     where tools live (default ~/.cache/suivi-tools); jars go to <it>/mongo-wire
#   MONGO_WIRE_PORT     default 27018
#   MONGO_WIRE_BACKEND  h2 (default: on-disk H2 file under the tools dir) or memory
#   MONGO_WIRE_START_TIMEOUT  seconds to wait for the port (default 60)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
src_dir="$root/test/support/mongo-wire"
tools_root="${SUIVI_TOOLS_DIR:-$HOME/.cache/suivi-tools}"
tools_dir="$tools_root/mongo-wire"
# `start` also writes MONGODB_URL=… here, for scripts that source it.
env_file="$tools_root/mongo-wire.env"
lib_dir="$tools_dir/lib"
port="${MONGO_WIRE_PORT:-27018}"
backend="${MONGO_WIRE_BACKEND:-h2}"
run_dir="$tools_dir/run-$port"
pid_file="$run_dir/server.pid"
log_file="$run_dir/server.log"
timeout="${MONGO_WIRE_START_TIMEOUT:-60}"

die() { echo "mongo-wire-server: $*" >&2; exit 1; }

# The pom's hash names the jar set, so a changed dependency list refetches instead of
# silently running stale jars.
stamp() { sha256sum "$src_dir/pom.xml" | cut -c1-16; }

install() {
  local want; want="$(stamp)"
  if [[ -f "$lib_dir/.stamp" && "$(cat "$lib_dir/.stamp")" == "$want" ]]; then
    return 0
  fi
  command -v mvn >/dev/null || die "mvn is not installed (needed once to fetch the server's jars from Maven Central)"
  command -v java >/dev/null || die "java (17+) is not installed"
  local tmp="$tools_dir/lib.tmp.$$"
  rm -rf "$tmp"; mkdir -p "$tmp"
  echo "mongo-wire-server: fetching jars into $lib_dir" >&2
  mvn -q -B -Dstyle.color=never -f "$src_dir/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$tmp" 1>&2 \
    || { rm -rf "$tmp"; die "mvn could not fetch the jars (see output above)"; }
  echo "$want" >"$tmp/.stamp"
  rm -rf "$lib_dir"; mv "$tmp" "$lib_dir"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }

running_pid() {
  [[ -f "$pid_file" ]] || return 1
  local pid; pid="$(cat "$pid_file")"
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

start() {
  install
  mkdir -p "$run_dir"
  if pid="$(running_pid)"; then
    echo "mongo-wire-server: already running (pid $pid)" >&2
    announce
    return 0
  fi
  port_open && die "port 127.0.0.1:$port is already taken by another process; set MONGO_WIRE_PORT"
  local args=("$port")
  case "$backend" in
    h2) rm -f "$run_dir/data.mv.db"; args+=("$run_dir/data.mv.db") ;;
    memory) ;;
    *) die "MONGO_WIRE_BACKEND must be h2 or memory, not '$backend'" ;;
  esac
  # setsid: the server must outlive this script and not get the caller's terminal signals.
  setsid java -Xss2m -cp "$lib_dir/*" "$src_dir/MongoWireServer.java" "${args[@]}" \
    >"$log_file" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$pid_file"
  local waited=0
  until port_open; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$pid_file"
      tail -n 30 "$log_file" >&2 || true
      die "the server exited before listening on 127.0.0.1:$port (log: $log_file)"
    fi
    if (( waited >= timeout * 10 )); then
      kill "$pid" 2>/dev/null || true
      rm -f "$pid_file"
      tail -n 30 "$log_file" >&2 || true
      die "127.0.0.1:$port did not answer within ${timeout}s (log: $log_file)"
    fi
    sleep 0.1; waited=$((waited + 1))
  done
  echo "mongo-wire-server: listening on 127.0.0.1:$port (pid $pid, backend $backend, log $log_file)" >&2
  announce
}

announce() {
  local line="MONGODB_URL=mongodb://127.0.0.1:$port/suivi"
  echo "$line" >"$env_file"
  echo "$line"
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$pid_file" "$env_file"
    echo "mongo-wire-server: not running" >&2
    return 0
  fi
  kill "$pid"
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  rm -f "$pid_file" "$env_file"
  echo "mongo-wire-server: stopped (pid $pid)" >&2
}

status() {
  if pid="$(running_pid)"; then
    echo "running (pid $pid) on 127.0.0.1:$port"
  else
    echo "not running"; return 1
  fi
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
esac
