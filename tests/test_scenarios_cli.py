"""`python -m govdata.scenarios`: JSON output, text output, one-line errors (in-process through main()), exit codes
(as a subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from govdata import numbers, settings


def cli(*args: str, warehouse=None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "govdata.scenarios", *args]
    if warehouse is not None:
        command += ["--warehouse", str(warehouse)]
    return subprocess.run(command, capture_output=True, text=True, cwd=settings.PROJECT_ROOT, timeout=120)


def test_json_output(sample_warehouse):
    run = cli(
        "--sector",
        "Local government",
        "--training",
        "1",
        "--dpo",
        "1",
        "--json",
        "--draws",
        "5000",
        warehouse=sample_warehouse,
    )
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["is_sample"] is True and data["data_status"].startswith("SAMPLE")
    # the incident source comes from the provenance row: simulated, never credited to the ICO or the OGL
    assert data["incident_data_source"] and all(
        "Open Government Licence" not in line for line in data["incident_data_source"]
    )
    summary = {row["metric"]: row for row in data["summary"]}
    assert summary["baseline_total"]["at_most_likely_values"] == data["baseline_incidents_in_window"] * 4 / 4
    assert summary["avoided_total"]["p05"] <= summary["avoided_total"]["median"] <= summary["avoided_total"]["p95"]
    headline = data["headline"]["avoided_total"]
    assert headline["median"] == summary["avoided_total"]["median"]
    assert headline["text"].startswith(numbers.estimate(headline["median"]) + " (90% interval ")
    assert data["coverage"] == {"training_current": 0.5, "dpo_current": 0.69, "training_target": 1.0, "dpo_target": 1.0}
    assert {c["basis"] for c in data["coverage_sources"]} == {"published", "published proxy"}
    assert len(data["assumptions"]) == 10 and data["draws"] == 5000


def test_same_seed_same_json(sample_warehouse):
    args = ("--sector", "Local government", "--training", "0.9", "--dpo", "1.0", "--seed", "3", "--json")
    first, second = cli(*args, warehouse=sample_warehouse), cli(*args, warehouse=sample_warehouse)
    assert first.returncode == 0 and json.loads(first.stdout)["summary"] == json.loads(second.stdout)["summary"]


def test_text_output_names_baseline_results_and_assumptions(sample_warehouse):
    run = cli("--sector", "Local government", "--training", "0.9", "--dpo", "1.0", warehouse=sample_warehouse)
    assert run.returncode == 0, run.stderr
    for words in (
        "SAMPLE DATA",
        "Incidents avoided per year",
        "90% interval",
        "not a causal estimate",
        "hewardmills.com",
        "published proxy",
        "Art. 37",
        "(assumption)",
    ):
        assert words in run.stdout


ERROR_CASES = [
    (("--sector", "Local govt", "--training", "0.9", "--dpo", "1"), "sample", "Did you mean"),
    (("--sector", "Local government", "--training", "90", "--dpo", "1"), "sample", "between 0 and 1"),
    (("--sector", "Local government", "--training", "0.9", "--dpo", "1", "--draws", "5"), "sample", "Draws 5"),
    (("--sector", "Local government", "--training", "abc", "--dpo", "1"), "sample", "invalid float"),
    (("--sector", "Health", "--training", "0.9", "--dpo", "1"), "tiny", "Too few incidents"),
    (("--sector", "Health", "--training", "0.9", "--dpo", "1"), "missing", "No warehouse"),
]


def _warehouse(kind: str, request, tmp_path):
    return tmp_path / "missing.duckdb" if kind == "missing" else request.getfixturevalue(f"{kind}_warehouse")


@pytest.mark.parametrize("args, kind, words", ERROR_CASES, ids=[c[2] for c in ERROR_CASES])
def test_errors_are_one_line_exit_2_no_traceback(args, kind, words, request, tmp_path, capsys):
    """Each bad input, through the CLI's own main() (argument errors exit through argparse's SystemExit)."""
    from govdata.scenarios.__main__ import main

    try:
        code = main([*args, "--warehouse", str(_warehouse(kind, request, tmp_path))])
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    assert code == 2, (args, out, err)
    assert words in err, (args, err)
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert out == ""


def test_error_exit_code_reaches_the_shell(tmp_path):
    """The process itself exits 2 with the one-line message (main()'s return value is the exit status)."""
    run = cli("--sector", "Health", "--training", "0.9", "--dpo", "1", warehouse=tmp_path / "missing.duckdb")
    assert run.returncode == 2 and "No warehouse" in run.stderr and run.stdout == ""
    assert len(run.stderr.strip().splitlines()) == 1 and "Traceback" not in run.stderr
