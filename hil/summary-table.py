#!/usr/bin/env python3
"""Prints the Markdown table of a `wmrt hil` summary.json (the README's baseline table is made this way).

usage: python3 hil/summary-table.py out/summary.json
"""
import json
import sys


def cell(value, fmt, unit=""):
    return "none" if value is None else format(value, fmt) + unit


def main(path):
    with open(path, encoding="utf-8") as f:
        summary = json.load(f)
    print("| scenario | result | collisions | red-light | off-road steps | progress | min TTC | max decel "
          "| min ped. distance | opposite lane | stopped / creeping | PDMS | tick p50 / p99 | deadline misses |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in summary["runs"]:
        result = "PASS" if r["passed"] else "FAIL: " + "; ".join(r["failures"])
        print(f'| {r["scenario"]} | {result} | {r["collisions"]} | {r["red_light_violations"]} | {r["offroad"]} '
              f'| {cell(r["progress_m"], ".0f", " m")} | {cell(r["min_ttc_s"], ".1f", " s")} '
              f'| {cell(r["max_decel_mps2"], ".1f", " m/s²")} | {cell(r["min_pedestrian_distance_m"], ".2f", " m")} '
              f'| {cell(r["opposite_lane_s"], ".1f", " s")} '
              f'| {cell(r["stopped_s"], ".1f")} / {cell(r["creeping_s"], ".1f", " s")} | {cell(r["pdms"], ".3f")} '
              f'| {cell(r["tick_ms_p50"], ".2f")} / {cell(r["tick_ms_p99"], ".2f", " ms")} | {r["deadline_misses"]} |')


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip())
    main(sys.argv[1])
