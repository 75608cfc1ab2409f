"""Simulation-based calibration of the advisor: does it say what is true, and only that?

Run: ``python benchmarks/bench_calibration.py [--companies 240] [--draws 2000]``. Builds
that many seeded synthetic companies with a known truth (``tests/synthetic_company.py``:
true response curves per channel, about a third of them "balanced", where today's split
is already the best) and prints:

- the coverage of the 80 % ROI intervals (target 75–85 %);
- the coverage of the response curves' 80 % bands at 0.7, 1 and 1.3 × today's budget
  (target 75–85 %);
- the share of companies with a recommendation, and the hit rate of the recommendations
  (true gain > 0; target ≥ 90 %);
- the abstention rate when the true best split gains less than the noise of the estimate
  (target: most cases);
- the same on the adversarial variant (balanced companies whose channels' shapes differ as
  much as the others': saturation hidden behind a high average ROI).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from synthetic_company import calibrate  # noqa: E402


def show(title: str, r: dict[str, float], took: float) -> None:
    print(f"{title} ({r['companies']} companies, {took:.0f} s)")
    print(f"  ROI 80 % interval coverage            {r['roi_coverage']:6.1%}   target 75-85 %")
    print(f"  response-curve 80 % band coverage     {r['curve_coverage']:6.1%}   target 75-85 %")
    print(f"  companies with a recommendation       {r['advised']:6.1%}   "
          f"({r['recommendations']})")
    print(f"  recommendations with true gain > 0    {r['hit_rate']:6.1%}   target >= 90 %")
    print(f"  abstentions when the best is in noise {r['abstain_when_noise']:6.1%}   "
          f"({r['within_noise']} companies; target: most)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--companies", type=int, default=240)
    parser.add_argument("--draws", type=int, default=2000)
    parser.add_argument("--adversarial", type=int, default=120,
                        help="companies of the adversarial variant (0: skip)")
    args = parser.parse_args()
    start = time.perf_counter()
    r = calibrate(args.companies, draws=args.draws)
    show("Synthetic companies", r, time.perf_counter() - start)
    if args.adversarial:
        start = time.perf_counter()
        r = calibrate(args.adversarial, first_seed=10_000, draws=args.draws,
                      balanced_spread=0.15)
        show("Adversarial variant: balanced companies with shapes as varied as the others'",
             r, time.perf_counter() - start)


if __name__ == "__main__":
    main()
