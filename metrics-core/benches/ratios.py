#!/usr/bin/env python3
"""Prints the medians of the last `cargo bench -p metrics-core --bench peers` run as a table,
with each implementation's ratio to the group's baseline (a raw atomic or a hand-written
histogram) and to the `prometheus` crate. Reads criterion's estimates under the target dir."""

import json
import os
import sys
from pathlib import Path

ORDER = ["raw_atomic", "hand_written", "metrics_core", "metrics_core_openmetrics", "metrics_core_openmetrics_created", "metrics_core_protobuf",
         "metrics_core_native", "metrics_core_exemplar", "counter_inc", "counter_inc_exemplar",
         "metrics_core_typed", "metrics_core_typed_open",
         "prometheus", "prometheus_client", "prometheus_client_typed", "metrics",
         "seize", "crossbeam_epoch"]


def target_dir() -> Path:
    if "CARGO_TARGET_DIR" in os.environ:
        return Path(os.environ["CARGO_TARGET_DIR"])
    return Path(__file__).resolve().parents[2] / "target"


def median_ns(path: Path) -> float:
    return json.loads(path.read_text())["median"]["point_estimate"]


def main() -> int:
    root = target_dir() / "criterion"
    if not root.is_dir():
        print(f"no criterion results under {root}: run `cargo bench -p metrics-core --bench peers`", file=sys.stderr)
        return 1
    print("| benchmark | implementation | median | vs baseline | vs prometheus |")
    print("|---|---|---|---|---|")
    for group in sorted(p for p in root.iterdir() if p.is_dir() and p.name != "report"):
        medians = {}
        for impl in group.iterdir():
            estimates = impl / "new" / "estimates.json"
            if estimates.is_file():
                medians[impl.name] = median_ns(estimates)
        baseline = medians.get("raw_atomic") or medians.get("hand_written")
        prometheus = medians.get("prometheus")
        for impl in sorted(medians, key=lambda name: ORDER.index(name) if name in ORDER else 99):
            ns = medians[impl]
            shown = f"{ns / 1000:.1f} µs" if ns >= 10_000 else f"{ns:.2f} ns"
            vs_base = f"{ns / baseline:.2f}x" if baseline else "–"
            vs_prom = f"{ns / prometheus:.2f}x" if prometheus else "–"
            print(f"| {group.name} | {impl} | {shown} | {vs_base} | {vs_prom} |")
    memory = target_dir() / "memory_per_series.json"
    if memory.is_file():
        bytes_per_series = json.loads(memory.read_text())
        prometheus = bytes_per_series.get("prometheus")
        print()
        print("| memory, 10,000 series | implementation | heap bytes per series | vs prometheus |")
        print("|---|---|---|---|")
        for impl in sorted(bytes_per_series, key=lambda name: ORDER.index(name) if name in ORDER else 99):
            value = bytes_per_series[impl]
            vs_prom = f"{value / prometheus:.2f}x" if prometheus else "–"
            print(f"| memory_per_series | {impl} | {value:.0f} B | {vs_prom} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
