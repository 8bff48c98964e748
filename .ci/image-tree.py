#!/usr/bin/env python3
"""Assembles the file tree one stage of the Dockerfile would have under its WORKDIR, from the stage's COPY
lines (and those of the stages it builds on), using the repository for plain COPY sources and the
repository's own build output for COPY --from=build /src/... sources. CI has no Docker engine; running the
image's entrypoint in this tree checks that the image would hold everything the entrypoint needs.

usage: image-tree.py STAGE DEST
"""
import pathlib
import shutil
import sys

REPO = pathlib.Path(__file__).resolve().parent.parent
BUILD_ROOT = "/src/"


def stages(dockerfile):
    """name -> (base stage name or None, [(from_build, src, dst)])"""
    result, current = {}, None
    for raw in dockerfile.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        words = line.split()
        if words[0] == "FROM":
            name = words[words.index("AS") + 1] if "AS" in words else None
            base = words[-3] if "AS" in words else words[-1]
            current = name
            result[name] = (base if base in result else None, [])
        elif words[0] == "COPY" and current is not None:
            from_build = words[1].startswith("--from=")
            args = words[2:] if from_build else words[1:]
            if len(args) != 2:
                sys.exit(f"Dockerfile: COPY with other than one source and one destination: {line}")
            result[current][1].append((from_build, args[0], args[1]))
    return result


def main(stage, dest):
    all_stages = stages(REPO / "Dockerfile")
    if stage not in all_stages:
        sys.exit(f"Dockerfile has no stage {stage!r} (stages: {', '.join(all_stages)})")
    chain = []
    while stage is not None:
        chain.insert(0, stage)
        stage = all_stages[stage][0]
    dest = pathlib.Path(dest)
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for name in chain:
        for from_build, src, dst in all_stages[name][1]:
            if from_build:
                if not src.startswith(BUILD_ROOT):
                    sys.exit(f"COPY --from=build source {src} is not under {BUILD_ROOT}")
                source = REPO / src[len(BUILD_ROOT):]
            else:
                if src == ".":
                    continue  # the build stage's whole context
                source = REPO / src
            if not source.exists():
                sys.exit(f"Dockerfile stage {name}: COPY source {src} does not exist ({source}); build first?")
            target = dest / dst
            target.parent.mkdir(parents=True, exist_ok=True)
            if source.is_dir():
                shutil.copytree(source, target)
            else:
                shutil.copy2(source, target)
    print(f"image tree of stage {chain[-1]} assembled in {dest}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip())
    main(sys.argv[1], sys.argv[2])
