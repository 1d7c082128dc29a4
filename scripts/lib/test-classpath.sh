# Sourced by the scripts that run the benchmark tools (JFR summaries, render loops) straight from
# target/: test_classpath prints the test classpath of the repository in the current directory,
# resolving it with Maven once (offline first) and again only when pom.xml changes.
test_classpath() {
  local cp_file="$PWD/target/bench-render/classpath.txt"
  mkdir -p "$(dirname "$cp_file")"
  if [[ ! -s "$cp_file" || pom.xml -nt "$cp_file" ]]; then
    mvn -B -q -Dstyle.color=never -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >&2 \
      || mvn -B -q -Dstyle.color=never dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >&2
  fi
  echo "$PWD/target/test-classes:$PWD/target/classes:$(cat "$cp_file")"
}
