#!/usr/bin/env bash
# The benchmark gate for CI: a short JMH run of every benchmark with the allocation profiler, then JmhGate
# over its JSON against bench/gate-baseline.properties. Runs in about 4 minutes on a 2-core machine.
# Exit code: 0 passed, 1 a gate check failed, 2 the results or the baseline could not be read; JMH's own
# failure (a benchmark threw) also stops the script with JMH's exit code.
#
#   bash bench/run-gate.sh                 # from the repository root or from bench/
#   JMH_ARGS='-i 5 -r 2s' bash bench/run-gate.sh   # more measurement, same gate
set -euo pipefail
bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
home="$(cd "$bench/.." && pwd)"
jar="$bench/target/benchmarks.jar"
results="$bench/target/jmh-gate.json"
opens="--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED"

needs_build() {
  [ ! -f "$jar" ] && return 0
  [ -n "$(find "$home/pom.xml" "$home/runtime/pom.xml" "$home/runtime/src/main" "$home/jni/src" "$bench/pom.xml" "$bench/src/main" \
    -newer "$jar" -print -quit 2>/dev/null)" ]
}

if needs_build; then
  echo "run-gate: building bench/target/benchmarks.jar..." >&2
  (cd "$home" && mvn -B -q -DskipTests -pl bench -am package) >&2
fi

# Short settings: 2 warm-up and 3 measured iterations of 2 s each, one fork per benchmark. The gate compares
# allocation and same-run ratios only, which these settings resolve; absolute times are for reading.
cd "$home"
start=$(date +%s)
java "$opens" -Dwmrt.home="$home" -jar "$jar" \
  -f 1 -wi 2 -w 2s -i 3 -r 2s -prof gc -foe true -e DebugCandidatesTickBenchmark \
  -rf json -rff "$results" ${JMH_ARGS:-}
echo "run-gate: JMH took $(( $(date +%s) - start )) s; results in $results"

java -cp "$jar" io.wmrt.bench.JmhGate "$results" "$bench/gate-baseline.properties"
