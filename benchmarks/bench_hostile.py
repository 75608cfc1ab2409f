"""Peak memory and time of loading each hostile file (tests/hostile_files.py).

Run: ``python benchmarks/bench_hostile.py [--code DIR] [--cap-gb 6]``. Each file is loaded in
a fresh ``python`` whose address space is capped (``--cap-gb``, so that the old reader
cannot take the shared machine down), the way the app and the CLI load it: through
``roi_core.io.isolated.load_bytes`` when the code has it, else ``roi_core.io.load_bytes``.
``--code`` points at another checkout (e.g. the base commit, ``git archive`` into /tmp) to
measure before and after. Prints, per file and way of reading: the peak RSS of the
loading process (in process: the whole parse; isolated: the caller, the reading child's
memory being its own), the wall time of the process (imports included), and how it ended
(the message, or the signal).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from hostile_files import hostile_files, oversized_csv  # noqa: E402

CHILD = r"""
import json, resource, sys, time
path, name, mode = sys.argv[1], sys.argv[2], sys.argv[3]
try:
    if mode == "in process":
        raise ImportError
    from roi_core.io import isolated
    how = "isolated (app)"
    def load_bytes(data, name):  # as the meeting app does: its 20 MB upload limit
        return isolated.load_bytes(data, name, max_bytes=20 * 2**20)
except ImportError:
    from roi_core.io import load_bytes
    how = "in process"
from roi_core.errors import InputError
data = open(path, "rb").read()
start = time.perf_counter()
try:
    load_bytes(data, name)
    end = "loaded"
except InputError as exc:
    end = "InputError: " + str(exc)[:110]
except BaseException as exc:
    end = type(exc).__name__ + ": " + str(exc)[:90]
self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"how": how, "end": end, "self_mb": self_kb / 1024,
                  "child_mb": child_kb / 1024, "s": time.perf_counter() - start}))
"""


def run(code: Path, path: Path, cap_gb: float, mode: str) -> dict:
    cap = int(cap_gb * 2**30)
    env = {**os.environ, "PYTHONPATH": str(code)}
    start = time.perf_counter()
    proc = subprocess.run(
        ["prlimit", f"--as={cap}", "--cpu=300", sys.executable, "-c", CHILD, str(path),
         path.name, mode], capture_output=True, text=True, env=env, timeout=900,
        cwd=path.parent)  # not the checkout: `python -c` puts the working directory first
    wall = time.perf_counter() - start
    if proc.returncode == 0 and proc.stdout.strip():
        out = json.loads(proc.stdout.strip().splitlines()[-1])
        out["wall"] = wall
        return out
    return {"how": mode, "end": f"process died, exit {proc.returncode} "
            f"({proc.stderr.strip().splitlines()[-1][:80] if proc.stderr.strip() else ''})",
            "self_mb": float("nan"), "child_mb": float("nan"), "s": wall, "wall": wall}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout to measure")
    parser.add_argument("--cap-gb", type=float, default=6.0, help="address-space cap")
    parser.add_argument("--only", default="", help="comma-separated file names to run")
    parser.add_argument("--mode", default="both", choices=["both", "in process", "isolated"],
                        help="in process: roi_core.io.load_bytes (the checks alone); "
                        "isolated: roi_core.io.isolated.load_bytes, as the app reads uploads")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        files = hostile_files() + [oversized_csv()]
        print(f"code: {args.code}  (address space capped at {args.cap_gb:g} GB)")
        print("| file | bytes | how | peak RSS MB | s | end |")
        print("|---|---:|---|---:|---:|---|")
        for name, data in files:
            if args.only and name not in args.only.split(","):
                continue
            path = Path(tmp) / name
            path.write_bytes(data)
            modes = ["in process", "isolated"] if args.mode == "both" else [args.mode]
            for mode in modes:
                r = run(args.code, path, args.cap_gb, mode)
                if r["how"] != mode and mode == "isolated" and r["how"] == "in process":
                    continue  # that checkout has no isolated reader
                print(f"| {name} | {len(data):,} | {r['how']} | {r['self_mb']:.0f} | "
                      f"{r['wall']:.1f} | {r['end']} |", flush=True)


if __name__ == "__main__":
    main()
