"""python -m govdata.scenarios --sector "Local government" --training 0.9 --dpo 1.0 [--json]

Prints the baseline, the scenario with 90% intervals, and the assumptions used. Coverage is a fraction (0-1).
Errors: one line on stderr, exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys

from govdata import settings
from govdata.queries import provenance
from govdata.warehouse import WarehouseUnavailable, connect


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line and exit 2, like every other input error here
        print(f"error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="python -m govdata.scenarios",
        description="What-if model: incidents per year if more organisations trained staff before system "
        "access / had a DPO. Illustrative, not a causal estimate.",
    )
    p.add_argument("--sector", required=True, help='ICO sector, e.g. "Local government"')
    p.add_argument("--training", type=float, required=True, help="target training coverage, fraction 0-1")
    p.add_argument("--dpo", type=float, required=True, help="target DPO coverage, fraction 0-1")
    p.add_argument(
        "--current-training",
        type=float,
        help="current training coverage (default: the sector's default in data/reference/coverage_defaults.csv)",
    )
    p.add_argument("--current-dpo", type=float, help="current DPO coverage (default as above)")
    p.add_argument("--seed", type=int, help="random seed (default 2019)")
    p.add_argument("--draws", type=int, help="Monte Carlo draws (default 10000)")
    p.add_argument("--distribution", choices=("pert", "triangular"), default="pert")
    p.add_argument("--window-quarters", type=int, help="baseline window in comparable quarters (default 4)")
    p.add_argument("--years", type=int, help="projection years (default 5)")
    p.add_argument("--ramp-years", type=int, help="years for coverage to reach the target (default 3; 0 = at once)")
    p.add_argument("--warehouse", help="warehouse file (default: $DASHBOARD_WAREHOUSE or data/warehouse.duckdb)")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from govdata import scenarios as s

    try:
        con = connect(args.warehouse or settings.warehouse_path())
        baseline = s.load_baseline(con, args.sector, args.window_quarters or s.DEFAULT_WINDOW_QUARTERS)
        sources = list(s.coverage_defaults(baseline.sector).values())
        current_t = sources[0].value if args.current_training is None else args.current_training
        current_d = sources[1].value if args.current_dpo is None else args.current_dpo
        coverage = s.Coverage(current_t, current_d, args.training, args.dpo)
        result = s.evaluate(
            baseline,
            coverage,
            draws=args.draws or s.DEFAULT_DRAWS,
            seed=s.DEFAULT_SEED if args.seed is None else args.seed,
            distribution=args.distribution,
            years=args.years or s.DEFAULT_YEARS,
            ramp_years=s.DEFAULT_RAMP_YEARS if args.ramp_years is None else args.ramp_years,
        )
        # where the baseline's incidents come from: the provenance row of the data actually loaded
        incident_sources = provenance.to_sources(provenance.chart_sources(con))
    except (s.ScenarioInputError, WarehouseUnavailable) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        data = result.to_dict(incident_sources)
        data["coverage_sources"] = [
            {
                "measure": c.measure,
                "value": c.value,
                "basis": c.basis,
                "source": c.source,
                "url": c.url,
                "rationale": c.rationale,
                "used": (args.current_training if c.measure == "training" else args.current_dpo) is None,
            }
            for c in sources
        ]
        print(json.dumps(data, indent=2, default=str))
    else:
        print(_text(result, sources, args, incident_sources))
    return 0


def _text(result, sources, args, incident_sources) -> str:
    from govdata.scenarios import methods_note

    used = [c for c in sources if (args.current_training if c.measure == "training" else args.current_dpo) is None]
    return methods_note(result, coverage_sources=used, incident_sources=incident_sources)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
