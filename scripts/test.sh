#!/usr/bin/env bash
# Sets up everything and runs every test: type check, lint, formatting, unit and
# integration tests (real API servers, real PostgreSQL, real openssl/cfssl), and the
# Playwright end-to-end tests in Debian's Chromium against the running app.
# Every run ends with each step's time, whether the steps passed, failed or never ran.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
started=$(date +%s)
failed=()
passed=0
times=()
pg_started=0

summary() {
  local code=$? row name took
  for name in "${!lane_pid[@]}"; do
    kill -TERM -- "-${lane_pid[$name]}" 2>/dev/null && echo "stopped $name (unfinished)"
  done
  [ "$pg_started" = 1 ] && scripts/postgres.sh stop
  echo
  echo "step times:"
  for row in "${times[@]}"; do echo "  $row"; done
  took=$(($(date +%s) - started))
  echo "all steps took ${took}s; their processes used $(($(children_cpu) / CLK_TCK)) CPU-s (2 cores give $((2 * took)))"
  [ "${#failed[@]}" -gt 0 ] && echo "failed steps: ${failed[*]}"
  # The end of a run's output is what a CI page shows: name the failing tests here too.
  if [ -s "${JEST_FAILURES:-}" ]; then
    echo "failing tests (whole output in .crossmesh/logs/jest-*.log):"
    head -n 60 "$JEST_FAILURES"
  fi
  echo "steps: $passed passed, ${#failed[@]} failed"
  exit "$code"
}
trap summary EXIT

# CPU time, in clock ticks, of this shell's finished children and everything they waited for
# (cutime + cstime in /proc/<pid>/stat).
CLK_TCK=$(getconf CLK_TCK)
children_cpu() {
  local stat
  read -r stat <"/proc/$$/stat"
  # shellcheck disable=SC2086 # the fields after "pid (comm) ", split on purpose
  set -- ${stat##*) }
  echo $((${14} + ${15}))
}

# Runs one step and records its time; `step -` marks a step the run cannot go on without.
step() {
  local required=0
  [ "$1" = - ] && { required=1; shift; }
  local name="$1"; shift
  echo "::: $name" >&2
  local t0 ticks0 code cpu
  t0=$(date +%s)
  if [ "$required" = 1 ]; then
    # In this shell, since these steps set what the run needs; no lane has started yet, so
    # the shell's children are the step's.
    ticks0=$(children_cpu)
    "$@"
    code=$?
    cpu=$((($(children_cpu) - ticks0) / CLK_TCK))
  else
    # Counted by a process of its own, since a lane that ends meanwhile is this shell's child
    # too, and the orphans of Chromium and of the app need adopting to be counted at all.
    rm -f "$step_cpu"
    scripts/with-cpu-time.py "$step_cpu" bash -c '"$@"' _ "$@"
    code=$?
    cpu=$(cat "$step_cpu" 2>/dev/null || echo 0)
  fi
  record "$name" "$code" "$(( $(date +%s) - t0 ))" "$cpu"
  [ "$code" != 0 ] && [ "$required" = 1 ] && exit 1
  return 0
}

record() {
  local name="$1" code="$2" t="$3" cpu="$4"
  if [ "$code" = 0 ]; then
    echo "::: $name passed in ${t}s (${cpu} CPU-s)" >&2
    times+=("$(printf '%5ss %5s CPU-s  passed  %s' "$t" "$cpu" "$name")")
    passed=$((passed + 1))
  else
    echo "::: $name FAILED in ${t}s (${cpu} CPU-s)" >&2
    times+=("$(printf '%5ss %5s CPU-s  FAILED  %s' "$t" "$cpu" "$name")")
    failed+=("$name")
  fi
}

# Starts a step beside the ones that follow, in a session of its own (so that an early end
# of the run stops it), its output kept in .crossmesh/logs/<log>.log; `collect` waits for it,
# prints that output and records it like `step`.
declare -A lane_pid lane_log lane_started
beside() {
  local name="$1" log=".crossmesh/logs/$2.log"
  shift 2
  echo "::: $name: started beside the steps below (output: $log)" >&2
  lane_started[$name]=$(date +%s)
  lane_log[$name]="$log"
  rm -f "$log.result"
  # The result line: exit code, end time, and the CPU-seconds of the lane's processes.
  setsid bash -c 'log=$1; scripts/with-cpu-time.py "$log.cpu" "${@:2}" >"$log" 2>&1
    echo "$? $(date +%s) $(cat "$log.cpu" 2>/dev/null || echo 0)" >"$log.result"' _ "$log" "$@" &
  lane_pid[$name]=$!
}
collect() {
  local name="$1" log="${lane_log[$1]}" code ended cpu
  wait "${lane_pid[$name]}"
  unset "lane_pid[$name]"
  read -r code ended cpu <"$log.result" 2>/dev/null || { code=1; ended=$(date +%s); cpu=0; }
  echo "::: $name (ran beside the steps above); its output:" >&2
  cat "$log"
  record "$name" "$code" "$((ended - lane_started[$name]))" "$cpu"
}

start_postgres() {
  PG_URL="$(scripts/postgres.sh start)" || return 1
  pg_started=1
}

# Runs jest as given, keeping its output in .crossmesh/logs/jest-<name>.log and adding the
# names of failing tests (a suite that FAILs, each failing case's "●" header, the seed of
# a random order) to $JEST_FAILURES.
run_jest() {
  local name="$1" code
  shift
  "$@" 2>&1 | tee ".crossmesh/logs/jest-$name.log"
  code=${PIPESTATUS[0]}
  if [ "$code" != 0 ]; then
    # jest names each failure twice (as it happens, and in its summary): keep the first.
    grep -aE '^FAIL |^  ● |^Seed: ' ".crossmesh/logs/jest-$name.log" | grep -av '● Console' |
      awk '!seen[$0]++' >>"$JEST_FAILURES"
  fi
  return "$code"
}
mkdir -p .crossmesh/logs
step_cpu=.crossmesh/logs/step-cpu
export JEST_FAILURES=.crossmesh/logs/jest-failures.txt
: >"$JEST_FAILURES"
# Steps run in a process of their own (see step), which calls this function by name.
export -f run_jest

# shellcheck source=setup.sh
step - "set-up (toolchain, dependencies, test binaries)" source scripts/setup.sh --for-tests
step - "PostgreSQL (scripts/postgres.sh)" start_postgres
export BACKSTAGE_TEST_DISABLE_DOCKER=1
export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="$PG_URL"
export NODE_OPTIONS="--experimental-vm-modules ${NODE_OPTIONS:-}"
export CROSSMESH_SHARED_DIR="${CROSSMESH_SHARED_DIR:-$(cd "$ROOT/.." && pwd)/shared}"

# The data-plane suites (*.envoy.test.ts: network namespaces, real Envoys) spend most of their
# minutes waiting out workload-certificate lifetimes with the CPU idle, so they run beside
# everything else, one file at a time; they need root. The steps after them run at a lower
# priority, so that the traffic these suites judge is not starved of the two cores.
beside "data-plane tests (real Envoys in network namespaces; root)" data-plane bash test/dataPlane/run.sh
renice -n 10 -p $$ >/dev/null

step "dependency versions (one Backstage release line)" yarn dedupe --check
step "type check" yarn tsc
# The adoption test spends most of its minutes in a fresh app's yarn install, build and
# start-up, so it runs beside the steps below; they start once it has packed the workspace's
# packages (yarn pack rewrites each package.json while it runs).
adoption_packed=.crossmesh/logs/adoption-packed
rm -f "$adoption_packed"
beside "adoption in a fresh Backstage app" adoption env CROSSMESH_ADOPTION_PACKED="$ROOT/$adoption_packed" bash test/adoption/run.sh
until [ -e "$adoption_packed" ] || ! kill -0 "${lane_pid[adoption in a fresh Backstage app]}" 2>/dev/null; do
  sleep 1
done
# Formatting and lint remember what passed, keyed by each file's content and the tools'
# versions and settings, so a warm run checks only what changed since.
step "formatting" yarn prettier:check --cache --cache-strategy content --cache-location "$CROSSMESH_CACHE/checks/prettier.json"
step "lint" yarn backstage-cli repo lint --success-cache --success-cache-dir "$CROSSMESH_CACHE/checks/lint"
step "scripts from a checkout in a 0700 folder" bash test/checkout/postgres-in-private-folder.sh
step "unit and integration tests" run_jest unit env CI=true yarn backstage-cli repo test --ci --testPathIgnorePatterns /node_modules/ '\.envoy\.test\.ts$' '\.api\.test\.ts$'
# API tests (*.api.test.ts: the real backend through the test kit) run in a random order, so
# that no case leans on what another left behind; a failure prints the seed that repeats it
# (jest --seed=N).
step "API tests, in random order" run_jest api env CI=true yarn backstage-cli repo test --ci --randomize --testPathIgnorePatterns /node_modules/ --testPathPatterns '\.api\.test\.ts$'
step "end-to-end tests" bash test/e2e/run.sh
collect "adoption in a fresh Backstage app"
collect "data-plane tests (real Envoys in network namespaces; root)"

[ "${#failed[@]}" -eq 0 ]
