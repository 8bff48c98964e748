# wmrt images for dev boards (linux/arm64) and rigs or CI hosts (linux/amd64).
#
#   docker buildx build --platform linux/arm64,linux/amd64 -t wmrt .             # runtime image
#   docker run --rm wmrt demo                                                    # the main job
#   docker run --rm wmrt board-check                                             # first boot on a board
#   docker run --rm --ipc=host --user "$(id -u):$(id -g)" wmrt run   # bus in the host's /dev/shm (0700),
#                                                      # readable by host processes of the same user
#   docker buildx build --target rig -t wmrt-rig .                               # runtime + SUMO + the HIL rig
#   docker run --rm -v "$PWD/out:/out" wmrt-rig hil --scenario all --report /out
#   docker run --rm -v "$PWD/out:/out" wmrt-rig sweep --matrix /out/matrix.yaml --out /out  # Spark local[N,F]
#
# The Java build is platform-independent; only the JNI bridge is native, and the build stage (on the
# builder's own platform) compiles it for both x86-64 and aarch64, so either image carries the right one.
# CI has no Docker engine: .ci/run assembles each stage's file tree from this file's COPY lines
# (.ci/image-tree.py) and runs the entrypoint in it. Keep COPY lines in the form "COPY [--from=build] SRC DST".

FROM --platform=$BUILDPLATFORM maven:3.9-eclipse-temurin-17 AS build
ARG BUILDARCH
RUN apt-get update \
 && if [ "$BUILDARCH" = "arm64" ]; then cross=gcc-x86-64-linux-gnu; else cross=gcc-aarch64-linux-gnu; fi \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends gcc libc6-dev "$cross" \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# CI=true makes the native build require both targets.
RUN CI=true mvn -B -q -DskipTests -pl runtime,hil,sweep -am package

# On a board, the QNN libraries come from the board's BSP, never from this image (Qualcomm licenses them to
# the board's owner). Mount them read-only where these variables point, with the NPU's device nodes:
#   docker run --rm --device /dev/fastrpc-cdsp --device /dev/dma_heap/system \
#     -v /usr/lib/qnn:/opt/qnn/lib:ro -v /usr/lib/dsp/cdsp:/opt/qnn/dsp:ro \
#     -v wmrt-qnn-cache:/var/cache/wmrt/qnn \
#     wmrt board-check --profile hardware-profiles/sa8650p.yaml
# /opt/qnn/lib holds libQnnHtp.so, libQnnHtpV73Stub.so (V81 on an SA8797P), libcdsprpc.so and, for ort-qnn,
# libonnxruntime_providers_qnn.so; /opt/qnn/dsp holds the DSP side (libQnnHtpV73Skel.so), which the
# FastRPC loader finds through ADSP_LIBRARY_PATH. The volume keeps ort-qnn's compiled contexts across starts.
FROM eclipse-temurin:17-jre AS runtime
WORKDIR /opt/wmrt
ENV LD_LIBRARY_PATH=/opt/qnn/lib \
    ADSP_LIBRARY_PATH=/opt/qnn/dsp
COPY --from=build /src/runtime/target/wmrt.jar runtime/target/wmrt.jar
COPY --from=build /src/runtime/target/lib runtime/target/lib
COPY hardware-profiles hardware-profiles
COPY models/cv-baseline models/cv-baseline
COPY models/cv-baseline-int8 models/cv-baseline-int8
COPY models/wm-student-int8 models/wm-student-int8
COPY models/keys models/keys
COPY wmrt wmrt
ENTRYPOINT ["/opt/wmrt/wmrt"]
CMD ["demo"]

FROM runtime AS rig
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends sumo \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/hil/target/wmrt-hil.jar hil/target/wmrt-hil.jar
COPY --from=build /src/hil/target/lib hil/target/lib
COPY hil/scenarios hil/scenarios
# wmrt sweep: the driver, and on Kubernetes the executors (spark.kubernetes.container.image = this image).
COPY --from=build /src/sweep/target/wmrt-sweep.jar sweep/target/wmrt-sweep.jar
COPY --from=build /src/sweep/target/lib sweep/target/lib
