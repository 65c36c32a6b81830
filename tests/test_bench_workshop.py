"""`bench workshop` runs a real workshop through a real Streamlit server and reports every figure.

Timings are not asserted (docs/benchmarks.md has them); what is asserted is that the run is
real and complete: every phone's answers are stored as sent, and nobody saw an error.
"""

import json
import os
import subprocess
import sys

from benchmarks.workshop import WORKSHOP_KEYS


def test_bench_workshop_with_three_phones_loses_nothing():
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "-m", "kringwijs_survey", "bench", "workshop", "--phones", "3", "--json"],
        env=env, capture_output=True, text=True, timeout=280, check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert list(figures) == WORKSHOP_KEYS
    assert figures["phones"] == 3
    assert figures["lost_answers"] == 0 and figures["errors"] == 0, result.stderr[-3000:]
    for key in WORKSHOP_KEYS[1:7]:
        assert isinstance(figures[key], (int, float)) and figures[key] >= 0, key
    assert figures["server_cpu_s"] > 0 and figures["server_peak_rss_mb"] > 0
