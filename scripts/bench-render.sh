#!/usr/bin/env bash
# Invoice PDF render time, side by side: the worker's renderer (Handlebars + iText, in a warm JVM
# with the production heap) against a warm headless Chromium (puppeteer-core, page.setContent +
# page.pdf), on the same invoice HTML: 1 page, 50, 1,000 and 10,000 lines. Then two 10,000-line
# renders at once in a 512 MiB heap. Prints figures; never passes or fails on them.
#
#   scripts/bench-render.sh                     # 3 rounds (Java, then Chromium, per round), median table
#   ROUNDS=5 scripts/bench-render.sh            # more rounds on a noisy machine
#   BENCH_CASES=p1,l50 scripts/bench-render.sh  # some cases only (p1, l50, l1000, l10000)
#   BENCH_SKIP_BUILD=1 scripts/bench-render.sh  # reuse target/ as it is
#   BENCH_CHROMIUM=0 / BENCH_CONCURRENT=0       # leave out the browser side / the two-at-once run
#   BENCH_CHROMIUM_FONTS=system                 # Chromium on the machine's fonts, not the worker's Noto files
#   BENCH_BEFORE_REF=a8547a7 scripts/bench-render.sh  # also time the renderer of that commit, same rounds
#   JAVA_OPTS='-Xmx512m ...'                    # the Java side's JVM flags (default: production heap)
#   -Dbench.runs.l1000=20 ...                   # extra arguments go to the Java side as system properties
#
# Needs Debian's chromium (apt-get install chromium) and Node 18+ for the browser side; the first
# run installs puppeteer-core into bench/chromium/node_modules (npm ci). Output: target/bench-render/.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT="$PWD"
ROUNDS="${ROUNDS:-3}"
OUT="$ROOT/target/bench-render"
JAVA_OPTS="${JAVA_OPTS:--Xmx512m}"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
export CHROMIUM
EXTRA_PROPS=("$@")
if [[ -n "${BENCH_CASES:-}" ]]; then
  EXTRA_PROPS+=("-Dbench.cases=$BENCH_CASES")
fi

strip_ansi() { sed -u $'s/\x1b\\[[0-9;]*m//g'; }
load() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?'; }

echo "== invoice PDF render: worker vs warm headless Chromium =="
echo "date:     $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "host:     $(uname -srm), $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB RAM", $2/1048576}' /proc/meminfo 2>/dev/null || echo '? RAM')"
echo "load:     $(load) (1/5/15 min; a busy machine skews every figure)"
echo "java:     $(java -version 2>&1 | head -1), JAVA_OPTS=$JAVA_OPTS"
if [[ "${BENCH_CHROMIUM:-1}" == 1 ]]; then
  echo "chromium: $("$CHROMIUM" --version 2>/dev/null | head -1 || echo "missing: $CHROMIUM"), node $(node --version 2>/dev/null || echo missing)"
fi
echo "git:      $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (working tree has changes)')"
echo

OFFLINE=-o
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  echo "-- compiling (mvn test-compile) --"
  if ! mvn -B -q -Dstyle.color=never -o test-compile 2>&1 | strip_ansi; then
    echo "(offline build failed; trying online)"
    OFFLINE=
    mvn -B -q -Dstyle.color=never test-compile 2>&1 | strip_ansi
  fi
fi
mkdir -p "$OUT"
CP_FILE="$OUT/classpath.txt"
if [[ ! -s "$CP_FILE" || pom.xml -nt "$CP_FILE" ]]; then
  mvn -B -q -Dstyle.color=never $OFFLINE dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$CP_FILE" 2>&1 | strip_ansi
fi
CP="$ROOT/target/test-classes:$ROOT/target/classes:$(cat "$CP_FILE")"
MAIN=com.adventive.billing.bench.RenderSideBySide

if [[ "${BENCH_CHROMIUM:-1}" == 1 && ! -d bench/chromium/node_modules/puppeteer-core ]]; then
  echo "-- installing puppeteer-core (npm ci in bench/chromium) --"
  (cd bench/chromium && npm ci --no-audit --no-fund --loglevel=error)
fi

# Another commit's renderer, timed in the same rounds by the same harness ("before"): its main classes,
# built from `git archive` in a folder of their own, under this working copy's benchmark classes.
BEFORE_CP=
if [[ -n "${BENCH_BEFORE_REF:-}" ]]; then
  BEFORE_SRC="$OUT/before-$(git rev-parse --short "$BENCH_BEFORE_REF")"
  if [[ ! -d "$BEFORE_SRC/target/classes" ]]; then
    echo "-- building the renderer of $BENCH_BEFORE_REF in $BEFORE_SRC --"
    rm -rf "$BEFORE_SRC"
    mkdir -p "$BEFORE_SRC"
    git archive "$BENCH_BEFORE_REF" | tar -x -C "$BEFORE_SRC"
    (cd "$BEFORE_SRC" && mvn -B -q -Dstyle.color=never $OFFLINE compile 2>&1 | strip_ansi)
  fi
  BEFORE_CP="$ROOT/target/test-classes:$BEFORE_SRC/target/classes:$(cat "$CP_FILE")"
fi

RUN="$OUT/run"
rm -rf "$RUN"
mkdir -p "$RUN"
echo "-- exporting the invoice HTML the worker renders, and its PDFs: $RUN/html, $RUN/pdf --"
# shellcheck disable=SC2086
java $JAVA_OPTS "${EXTRA_PROPS[@]}" -cp "$CP" "$MAIN" export "$RUN"
echo

# The invoice CSS asks for Noto Sans (then the CJK, Arabic and Hebrew Noto fonts). The worker ships
# them; the browser gets the same files through a fontconfig of its own, so both sides lay out and
# embed the same fonts. BENCH_CHROMIUM_FONTS=system leaves Chromium to the machine's fonts instead
# (on a bare Debian: a Liberation Serif fallback).
if [[ "${BENCH_CHROMIUM_FONTS:-worker}" == worker ]]; then
  cat > "$RUN/fonts.conf" <<FONTS
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>$RUN/fonts</dir>
  <cachedir>$RUN/fontconfig-cache</cachedir>
</fontconfig>
FONTS
  export FONTCONFIG_FILE="$RUN/fonts.conf"
fi

for round in $(seq 1 "$ROUNDS"); do
  echo "-- round $round of $ROUNDS (load $(load)) --"
  if [[ -n "$BEFORE_CP" ]]; then
    echo "(before: $BENCH_BEFORE_REF)"
    # shellcheck disable=SC2086
    java $JAVA_OPTS "${EXTRA_PROPS[@]}" -cp "$BEFORE_CP" "$MAIN" measure "$RUN" "before-$round"
    echo "(after: $(git rev-parse --short HEAD))"
  fi
  # shellcheck disable=SC2086
  java $JAVA_OPTS "${EXTRA_PROPS[@]}" -cp "$CP" "$MAIN" measure "$RUN" "java-$round"
  if [[ "${BENCH_CHROMIUM:-1}" == 1 ]]; then
    node bench/chromium/render.js "$RUN" "chromium-$round"
  fi
done
echo
echo "-- side by side (load $(load)) --"
node bench/chromium/table.js "$RUN" "${BENCH_MARKDOWN:+--markdown}"

if [[ "${BENCH_CONCURRENT:-1}" == 1 ]]; then
  echo
  if [[ -n "$BEFORE_CP" ]]; then
    echo "-- before ($BENCH_BEFORE_REF): two 10,000-line renders at once in the production heap (-Xmx512m) --"
    java -Xmx512m -XX:+ExitOnOutOfMemoryError "${EXTRA_PROPS[@]}" -cp "$BEFORE_CP" "$MAIN" concurrent l10000 \
      || echo "(before: the JVM ended with status $?)"
    echo
  fi
  echo "-- two 10,000-line renders at once in the production heap (-Xmx512m) --"
  java -Xmx512m -XX:+ExitOnOutOfMemoryError "${EXTRA_PROPS[@]}" -cp "$CP" "$MAIN" concurrent l10000
fi
echo
echo "load at the end: $(load)"
