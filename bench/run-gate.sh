#!/usr/bin/env bash
# The benchmark gate for CI: a short JMH run of every benchmark with the allocation profiler, then JmhGate
# over its JSON against bench/gate-baseline.properties. Runs in about 4 minutes on a 2-core machine.
# Exit code: 0 passed, 1 a gate check failed (a failed ratio after its re-measurement, below), 2 the results or
# the baseline could not be read; JMH's own failure (a benchmark threw) also stops the script with its exit code.
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
  -f 1 -wi 2 -w 2s -i 3 -r 2s -prof gc -foe true -e DebugCandidatesTickBenchmark -e QuantizedLayersBenchmark \
  -rf json -rff "$results" ${JMH_ARGS:-}
echo "run-gate: JMH took $(( $(date +%s) - start )) s; results in $results"

# A ratio the short run failed is measured once more, its benchmarks only, in two fresh forks of five iterations,
# and judged on that: one fork slowed by the machine (a JIT decision, a noisy neighbour) does not fail the gate, a
# regression fails both. Allocation checks are judged on the first run alone.
baseline="$bench/gate-baseline.properties"
retry_pattern="$bench/target/jmh-gate-retry-pattern"
retry_results="$bench/target/jmh-gate-retry.json"
rm -f "$retry_results"
status=0
java -cp "$jar" io.wmrt.bench.JmhGate "$results" "$baseline" --retry-pattern "$retry_pattern" || status=$?
if [ "$status" -ne 1 ] || [ ! -s "$retry_pattern" ]; then
  exit "$status"
fi
echo
echo "run-gate: re-measuring the benchmarks of the failed ratios: $(cat "$retry_pattern")"
java "$opens" -Dwmrt.home="$home" -jar "$jar" "$(cat "$retry_pattern")" \
  -f 2 -wi 2 -w 2s -i 5 -r 2s -prof gc -foe true -rf json -rff "$retry_results"
java -cp "$jar" io.wmrt.bench.JmhGate "$results" "$baseline" --retry "$retry_results"
