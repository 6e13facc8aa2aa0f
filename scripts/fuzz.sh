#!/usr/bin/env bash
# Fuzzes the project's Jazzer fuzz tests (the *FuzzTest classes) for longer than the build's 10 s each.
#
#   scripts/fuzz.sh [DURATION] [CLASS...]       e.g. scripts/fuzz.sh 10m   or   scripts/fuzz.sh 1h ImageDecoderFuzzTest
#
# DURATION per fuzz test: Ns, Nm or Nh (default 10m). CLASS: simple names of *FuzzTest classes (default: all of them,
# one after the other, each in a JVM of its own, since Jazzer fuzzes one test per JVM). Runs the `fuzz` surefire
# execution of the parent pom (see its `fuzz` profile) with -am, so it works on a clean clone; extra Maven flags come
# from FUZZ_MAVEN_OPTS (e.g. FUZZ_MAVEN_OPTS=-o offline).
#
# What it leaves behind (all ignored by git):
#   fuzz-logs/<Class>.log                                    libFuzzer's output
#   <module>/.cifuzz-corpus/<package.Class>/<method>/         the corpus it grew; the next run starts from it
# A finding fails the run and is written as crash-<sha1> (or timeout-/oom-) into the test's inputs directory
# <module>/src/test/resources/<package>/<Class>Inputs/<method>/, from where every later build replays it. Fix the code,
# give the file a telling name and commit it there as a regression input.
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${1:-10m}
[ $# -gt 0 ] && shift
case "$duration" in
  *h) seconds=$(( ${duration%h} * 3600 )) ;;
  *m) seconds=$(( ${duration%m} * 60 )) ;;
  *s) seconds=${duration%s} ;;
  *[!0-9]*|'') echo "fuzz.sh: DURATION must be Ns, Nm or Nh, got '$duration'" >&2; exit 2 ;;
  *) seconds=$duration ;;
esac

# tracked and new (untracked, not ignored) fuzz test classes
mapfile -t all < <(git ls-files --cached --others --exclude-standard '*/src/test/java/*FuzzTest.java')
targets=()
if [ $# -eq 0 ]; then
  targets=("${all[@]}")
else
  for name in "$@"; do
    match=$(printf '%s\n' "${all[@]}" | grep "/$name\.java$" || true)
    [ -n "$match" ] || { echo "fuzz.sh: no fuzz test class $name; known: $(printf '%s\n' "${all[@]}" | sed 's#.*/##; s#\.java$##' | tr '\n' ' ')" >&2; exit 2; }
    targets+=("$match")
  done
fi

mkdir -p fuzz-logs
failed=()
for path in "${targets[@]}"; do
  module=${path%%/src/test/java/*}
  class=$(basename "$path" .java)
  echo "fuzz.sh: $class ($module) for ${seconds} s, log fuzz-logs/$class.log"
  # shellcheck disable=SC2086
  if ! mvn ${FUZZ_MAVEN_OPTS:-} -B -pl "$module" -am test-compile surefire:test@fuzz \
      -Dfuzz.seconds="$seconds" -Dfuzz.include="**/$class.java" -Dsurefire.failIfNoSpecifiedTests=false \
      > "fuzz-logs/$class.log" 2>&1; then
    failed+=("$class")
    grep -a -E "Test unit written to|FuzzTestFindingException|Caused by" "fuzz-logs/$class.log" | head -5 || true
  fi
  grep -a -E "^Done [0-9]+ runs" "fuzz-logs/$class.log" || true
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz.sh: findings (or a failed build) in: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz.sh: no findings"
