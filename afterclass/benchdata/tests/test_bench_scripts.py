"""The write benchmarks (bench/fanout.py, bench/write_load.py) still run end to end, at tiny
sizes: a real server, a real worker, sign-in through the form, and their own checks."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def run_bench(script: str, output: Path, *arguments: str) -> dict:
    result = subprocess.run(  # noqa: S603 - our own interpreter running our own script
        [sys.executable, str(ROOT / "bench" / script), *arguments, "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(output.read_text())


def test_fanout_bench_tells_every_member_once(tmp_path):
    results = run_bench("fanout.py", tmp_path / "fanout.json", "--members", "30", "--posts", "1")

    assert results["all_rows_exact"]
    assert results["rounds"][0]["rows"] == 30
    assert results["rounds"][0]["emails_sent_so_far"] == 30


def test_write_load_bench_finds_every_acknowledged_write(tmp_path):
    results = run_bench(
        "write_load.py", tmp_path / "load.json", "--tier", "xs", "--clients", "4", "--seconds", "2"
    )

    assert results["reads"]["requests"] > 0
    assert results["writes"]["requests"] > 0
    assert results["reads"]["errors"] == results["writes"]["errors"] == 0
    assert results["acknowledged_writes"]["all_found"]
    assert results["server_log_errors"] == []
