#!/usr/bin/env bash
# Spark standalone on this machine: a master and one worker started from the sweep jar's class path (no Spark
# distribution needed), then a sweep against them, then both stopped. The manual check behind sweep/README.md's
# "On a cluster"; on real machines start the worker on each host and point --out at a shared file system.
# usage: sweep/try-standalone.sh MATRIX OUT [PORT]
set -euo pipefail
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
matrix="$(realpath "$1")"; out="$(realpath -m "$2")"; port="${3:-7177}"
cd "$home"
./wmrt sweep --version >/dev/null     # builds sweep/target/{wmrt-sweep.jar,lib} when needed
spark_home="$(mktemp -d)"
mkdir -p "$spark_home/jars" "$spark_home/work"
touch "$spark_home/RELEASE"           # a distribution's layout: the executor's class path is $SPARK_HOME/jars/*
for j in "$home"/sweep/target/lib/*.jar "$home/sweep/target/wmrt-sweep.jar"; do ln -s "$j" "$spark_home/jars/"; done
opens=(-XX:+IgnoreUnrecognizedVMOptions -Dio.netty.tryReflectionSetAccessible=true
  --add-opens=java.base/jdk.internal.misc=ALL-UNNAMED)
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util java.util.concurrent \
    java.util.concurrent.atomic jdk.internal.ref sun.nio.ch sun.nio.cs sun.security.action sun.util.calendar; do
  opens+=("--add-opens=java.base/$p=ALL-UNNAMED")
done
cp="$home/sweep/target/wmrt-sweep.jar:$home/sweep/target/lib/*"
export SPARK_HOME="$spark_home" SPARK_SCALA_VERSION=2.13
java "${opens[@]}" -cp "$cp" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$port" \
  --webui-port $((port + 1000)) > "$spark_home/master.log" 2>&1 &
master=$!
worker=
trap 'kill ${worker:-} $master 2>/dev/null || true; wait 2>/dev/null || true' EXIT
sleep 8
java "${opens[@]}" -cp "$cp" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores 2 --memory 2g \
  --webui-port $((port + 1001)) --work-dir "$spark_home/work" "spark://127.0.0.1:$port" > "$spark_home/worker.log" 2>&1 &
worker=$!
sleep 8
echo "try-standalone: master pid $master, worker pid $worker, Spark home $spark_home"
rc=0
WMRT_JAVA_OPTS="-Dspark.driver.host=127.0.0.1" ./wmrt sweep --matrix "$matrix" --out "$out" \
  --master "spark://127.0.0.1:$port" --task-cpus 1 --no-ui || rc=$?
echo "try-standalone: the executors ran in their own JVMs under $spark_home/work:"
ls "$spark_home"/work/*/
exit $rc
