# Sourced by the benchmark scripts (scripts/bench*.sh) after they `cd` to the repository root: what
# every benchmark that runs the real worker does the same way. Defines ROOT, SERVER_NAME, WLP_DIR,
# HARNESS_PROPS and OFFLINE, and the functions below; runs nothing on its own.

ROOT="$PWD"
SERVER_NAME=billingServer
WLP_DIR="$ROOT/target/liberty/wlp"

# The same system properties failsafe gives the integration tests (pom.xml, systemPropertyVariables).
HARNESS_PROPS=(
  "-Dliberty.wlp.dir=$WLP_DIR"
  "-Dliberty.server.name=$SERVER_NAME"
  "-Dbilling.war=$ROOT/target/billing-worker.war"
  "-Dstripe.fixtures.dir=$ROOT/src/test/resources/stripe-fixtures"
)

# Maven 3.8's console writes colour resets even in batch mode; keep the printed figures clean.
strip_ansi() { sed -u $'s/\x1b\\[[0-9;]*m//g'; }

load_now() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?'; }

# The machine and the code the figures come from: bench_header "title"
bench_header() {
  echo "== $1 =="
  echo "date:    $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "host:    $(uname -srm), $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB RAM", $2/1048576}' /proc/meminfo 2>/dev/null || echo '? RAM')"
  echo "load:    $(load_now) (1/5/15 min; a busy machine skews every figure)"
  echo "java:    $(java -version 2>&1 | head -1)"
  echo "maven:   $(mvn -v 2>/dev/null | head -1 | sed 's/\x1b\[[0-9;]*m//g')"
  echo "git:     $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (working tree has changes)')"
  echo
}

# The harness stops a server it finds running in this server directory (it assumes a leftover):
# if integration tests are running right now, that would be theirs. Refuse instead.
refuse_if_server_running() {
  local pid_file="$WLP_DIR/usr/servers/.pid/$SERVER_NAME.pid"
  if [[ -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null \
      && grep -q ws-server "/proc/$(cat "$pid_file")/cmdline" 2>/dev/null && [[ "${BENCH_FORCE:-0}" != 1 ]]; then
    echo "A Liberty server ($SERVER_NAME, pid $(cat "$pid_file")) is running: integration tests or liberty:run?" >&2
    echo "Wait for it to finish (or stop it), or set BENCH_FORCE=1 to let the benchmark stop it." >&2
    exit 1
  fi
}

# Builds the war, the test classes and the Liberty server (offline first), unless BENCH_SKIP_BUILD=1.
# OFFLINE stays -o when Maven needed nothing from the network, so the run does not ask it either.
OFFLINE=-o
build_server() {
  if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
    echo "-- building the war, the test classes and the Liberty server (mvn package liberty:create, tests skipped) --"
    if ! mvn -B -q -Dstyle.color=never -o -DskipTests package liberty:create 2>&1 | strip_ansi; then
      echo "(offline build failed; trying online)"
      OFFLINE=
      mvn -B -q -Dstyle.color=never -DskipTests package liberty:create 2>&1 | strip_ansi
    fi
    echo
  fi
}

# exec:java runs main inside Maven's JVM and then waits for every non-daemon thread; the timeout is
# a safety net so a benchmark that leaves a thread behind cannot hang the command forever. On
# TERM the harness's shutdown hook still stops the Liberty server and the components.
#   run_main <main class> <time limit, seconds> [system properties…]
run_main() {
  local main_class=$1 limit=$2
  shift 2
  timeout --signal=TERM --kill-after=60 "$limit" \
    mvn -B -q -Dstyle.color=never $OFFLINE exec:java -Dexec.mainClass="$main_class" -Dexec.classpathScope=test \
      "${HARNESS_PROPS[@]}" "$@" 2>&1 | strip_ansi
}
