#!/usr/bin/env bash
# Builds the native bridges for the host (x86-64 or aarch64) and cross-builds the other Linux target when its
# gcc is installed (Debian: gcc-aarch64-linux-gnu / gcc-x86-64-linux-gnu). Output: OUT/linux-<arch>/lib*.so
# Usage: build-native.sh OUT_DIR REQUIRE_ALL(true|false)
set -euo pipefail
out="$1"
require_all="${2:-false}"
# CI (which sets CI=true) must build both targets.
if [ "${CI:-}" = "true" ]; then require_all=true; fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}"
if [ ! -f "$java_home/include/jni.h" ]; then
  echo "build-native: no jni.h under $java_home/include (set JAVA_HOME to a JDK)" >&2
  exit 1
fi

# No ONNX Runtime or QNN header is used: the bridge declares the part of the ABI it calls (QNN: wmrt_qnn_abi.h).
cflags=(-std=c11 -O2 -fPIC -shared -fvisibility=hidden -Wall -Wextra -Werror
        -I "$java_home/include" -I "$java_home/include/linux")

build() {
  local cc="$1" arch="$2"
  mkdir -p "$out/linux-$arch"
  "$cc" "${cflags[@]}" -o "$out/linux-$arch/libwmrt_ort_bridge.so" "$here/src/wmrt_ort_bridge.c" -ldl
  echo "build-native: built $out/linux-$arch/libwmrt_ort_bridge.so with $cc"
  "$cc" "${cflags[@]}" -o "$out/linux-$arch/libwmrt_qnn_bridge.so" "$here/src/wmrt_qnn_bridge.c" -ldl -lm
  echo "build-native: built $out/linux-$arch/libwmrt_qnn_bridge.so with $cc"
  "$cc" "${cflags[@]}" -o "$out/linux-$arch/libwmrt_affinity.so" "$here/src/wmrt_affinity.c"
  echo "build-native: built $out/linux-$arch/libwmrt_affinity.so with $cc"
}

# Where a QNN SDK is installed, check the bridge's own ABI declarations against Qualcomm's headers (compile only).
if [ -n "${QNN_SDK_ROOT:-}" ]; then
  gcc -std=gnu11 -fsyntax-only -Wall -I "$QNN_SDK_ROOT/include/QNN" -I "$here/src" "$here/src/wmrt_qnn_abi_check.c"
  echo "build-native: wmrt_qnn_abi.h agrees with the QNN SDK headers under $QNN_SDK_ROOT"
fi

case "$(uname -m)" in
  x86_64)  host=x86_64;  cross=aarch64; cross_cc=aarch64-linux-gnu-gcc ;;
  aarch64) host=aarch64; cross=x86_64;  cross_cc=x86_64-linux-gnu-gcc ;;
  *) echo "build-native: unsupported host $(uname -m)" >&2; exit 1 ;;
esac

build gcc "$host"
if command -v "$cross_cc" >/dev/null; then
  build "$cross_cc" "$cross"
elif [ "$require_all" = "true" ]; then
  echo "build-native: $cross_cc not found and both targets are required (apt-get install gcc-${cross//_/-}-linux-gnu)" >&2
  exit 1
else
  echo "build-native: WARNING: $cross_cc not found, linux-$cross library not built (apt-get install gcc-${cross//_/-}-linux-gnu)" >&2
fi
