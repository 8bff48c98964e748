#!/usr/bin/env bash
# Fuzz wmrt's input boundaries with Jazzer for a bounded number of executions: each @FuzzTest in
# runtime/src/test/java/io/wmrt/fuzz in a JVM of its own (Jazzer's command line runs the JUnit fuzz test).
#
#   .ci/fuzz.sh [SCALE] [TARGET...]
#
# SCALE multiplies every target's executions (default 1; 0.1 for a smoke run, 10 for a long run). TARGETs are
# scene, trajectory, profile, manifest (default: all). Executions at SCALE 1:
#   scene       100,000  raw bytes as a scene-ring record through the planner's tick (cv-baseline on ONNX Runtime)
#   trajectory   50,000  TrajectoryReader on a broadcast buffer partly overwritten with garbage
#   profile      50,000  hardware profile YAML through HardwareProfileLoader
#   manifest     50,000  model manifest YAML through ModelPackageLoader (graphs beside it verified by ONNX Runtime)
#
# A crash, a hang (an input running over 10 s) or a failed assertion fails the run. The input is written to
# runtime/src/test/resources/io/wmrt/fuzz/<Test>Inputs/<method>/ (crash-*, timeout-*), from where `mvn verify`
# replays it. Inputs that found new coverage accumulate in runtime/.cifuzz-corpus/ (not committed) and seed the
# next run. Logs: runtime/target/fuzz/<target>.log.
set -euo pipefail
cd "$(dirname "$0")/.."

scale=${1:-1}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(scene trajectory profile manifest)

echo "== building the runtime's tests and their classpath"
mvn -B -q -pl runtime -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$PWD/runtime/target/fuzz.classpath" -Dmdep.includeScope=test
cp="target/test-classes:target/classes:$(cat runtime/target/fuzz.classpath)"
mkdir -p runtime/target/fuzz

failed=()
jvm_extra=()
# The fuzz tests themselves are not instrumented: their checks must not steer the fuzzer towards their constants.
harness='io.wmrt.fuzz.**'

fuzz()
{
  local name=$1 class=$2 method=$3 runs=$4
  shift 4
  runs=$(awk -v r="$runs" -v s="$scale" 'BEGIN { printf "%d", r * s }')
  local log=runtime/target/fuzz/$name.log
  mkdir -p "runtime/src/test/resources/io/wmrt/fuzz/${class}Inputs/$method"
  echo "== fuzz $name: $runs executions of $class.$method (log $log)"
  local start=$SECONDS rc=0
  (cd runtime && java --add-opens=java.base/jdk.internal.misc=ALL-UNNAMED -Xmx1g -Dwmrt.repo.root="$PWD/.." \
    ${jvm_extra[@]+"${jvm_extra[@]}"} -cp "$cp" com.code_intelligence.jazzer.Jazzer --target_class="io.wmrt.fuzz.$class" \
    --target_method="$method" "$@" -runs="$runs" -max_total_time=0 -timeout=10 -print_final_stats=1) >"$log" 2>&1 \
    || rc=$?
  local took=$((SECONDS - start))
  local done_line
  done_line=$(grep -a -E '^Done [0-9]+ runs' "$log" | tail -1 || true)
  local execs=${done_line#Done }
  execs=${execs%% *}
  echo "   ${done_line:-no summary}; ${took} s wall, $(awk -v n="${execs:-0}" -v t="$took" \
    'BEGIN { printf "%.0f", (t > 0 ? n / t : 0) }') executions/s overall"
  if [ "$rc" -ne 0 ]; then
    echo "   FAILED (exit $rc):"
    grep -a -E '^== Java Exception|^==[0-9]+== ERROR|Test unit written to|ERROR: libFuzzer: timeout' "$log" | head -5 | sed 's/^/   /'
    failed+=("$name")
  elif [ "${execs:-0}" -lt "$runs" ]; then
    echo "   FAILED: stopped after ${execs:-0} of $runs executions"
    failed+=("$name")
  fi
}

for target in "${targets[@]}"; do
  jvm_extra=()
  case $target in
    scene)
      # No compare tracing on the planner: it instruments every switch with an array made per execution (the
      # allocation check would see it) and triples the cost of the scorer's loops. The SBE codecs are straight-line
      # accessors: no coverage to gain.
      jvm_extra=(-Dwmrt.fuzz.checkAllocation=true)
      fuzz scene SceneRingFuzzTest shouldAnswerTheNextValidFrameWhateverRecordCameBefore 100000 \
        --trace=cov:div:indir --instrumentation_excludes="$harness:io.wmrt.sbe.**" ;;
    trajectory)
      fuzz trajectory TrajectoryReaderFuzzTest shouldHandOutOnlyReadableTrajectoriesAndEndEveryDrain 50000 \
        --instrumentation_excludes="$harness" ;;
    profile)
      fuzz profile HardwareProfileFuzzTest shouldLoadTheProfileOrRefuseItNamingTheFile 50000 \
        --instrument='io.wmrt.**,org.yaml.snakeyaml.**' --instrumentation_excludes="$harness" ;;
    manifest)
      fuzz manifest ModelManifestFuzzTest shouldLoadThePackageOrRefuseItNamingTheFile 50000 \
        --instrument='io.wmrt.**,org.yaml.snakeyaml.**' --instrumentation_excludes="$harness" ;;
    *)
      echo "unknown target '$target' (scene, trajectory, profile, manifest)"; exit 2 ;;
  esac
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzing found problems in: ${failed[*]}"
  exit 1
fi
echo "fuzzing: no crash, no hang in ${targets[*]}"
