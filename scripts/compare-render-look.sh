#!/usr/bin/env bash
# The same look, checked: renders the 1-page and the 50-line invoice with the current code,
# rasterizes every page (pdftoppm, 100 dpi) and compares the images pixel by pixel with the ones
# checked in under docs/images/render-look/before/ (rendered by the html2pdf renderer, commit
# a8547a7). Prints the differing pixels per page; exit status 0 only when every page is identical.
#
#   scripts/compare-render-look.sh                    # compare against the checked-in "before" images
#   BEFORE_REF=a8547a7 scripts/compare-render-look.sh # render "before" afresh from that commit instead
#   UPDATE_AFTER=1 scripts/compare-render-look.sh     # also copy the new images to docs/images/render-look/after/
#
# Needs pdftoppm (Debian: apt-get install poppler-utils). Output: target/render-look/.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT="$PWD"
OUT="$ROOT/target/render-look"
DPI="${DPI:-100}"
command -v pdftoppm >/dev/null || { echo "pdftoppm is missing: apt-get install poppler-utils" >&2; exit 2; }

classpath() { # $1: project root; prints the test classpath (built offline when possible)
  local root=$1 cp_file="$1/target/bench-render/classpath.txt"
  (cd "$root" && { mvn -B -q -o test-compile >/dev/null 2>&1 || mvn -B -q test-compile >/dev/null; })
  mkdir -p "$(dirname "$cp_file")"
  if [[ ! -s "$cp_file" ]]; then
    (cd "$root" && mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/dev/null)
  fi
  echo "$root/target/test-classes:$root/target/classes:$(cat "$cp_file")"
}

rasterize() { # $1: folder with p1.pdf and l50.pdf; $2: folder for the PNGs
  mkdir -p "$2"
  for pdf in p1 l50; do
    pdftoppm -r "$DPI" -png "$1/pdf/$pdf.pdf" "$2/$pdf"
  done
}

rm -rf "$OUT"
mkdir -p "$OUT"
CP="$(classpath "$ROOT")"
java -Dbench.cases=p1,l50 -cp "$CP" com.adventive.billing.bench.RenderSideBySide export "$OUT/after-render" >/dev/null
rasterize "$OUT/after-render" "$OUT/after"

BEFORE="$ROOT/docs/images/render-look/before"
if [[ -n "${BEFORE_REF:-}" ]]; then
  echo "-- rendering 'before' from $BEFORE_REF --"
  SRC="$OUT/before-src"
  mkdir -p "$SRC"
  git archive "$BEFORE_REF" | tar -x -C "$SRC"
  BEFORE_CP="$(classpath "$SRC")"
  java -Dbench.cases=p1,l50 -cp "$BEFORE_CP" com.adventive.billing.bench.RenderSideBySide export "$OUT/before-render" >/dev/null
  BEFORE="$OUT/before"
  rasterize "$OUT/before-render" "$BEFORE"
fi

echo "-- $BEFORE vs the current renderer ($(git rev-parse --short HEAD)$(git diff --quiet || echo ', working tree has changes')), ${DPI} dpi --"
status=0
java -cp "$CP" com.adventive.billing.bench.PageImageDiff "$BEFORE" "$OUT/after" || status=$?
if [[ "${UPDATE_AFTER:-0}" == 1 ]]; then
  mkdir -p docs/images/render-look/after
  cp "$OUT"/after/*.png docs/images/render-look/after/
  rm -f docs/images/render-look/after/*-diff.png
fi
exit "$status"
