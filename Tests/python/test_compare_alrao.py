"""bench/compare_alrao.py parses both sides' lines, judges the goals, and shows a missing side as "—"."""
import subprocess
import sys
from pathlib import Path

COMPARE = Path(__file__).resolve().parents[2] / "bench" / "compare_alrao.py"


def fake(tmp_path, name, body):
    script = tmp_path / name
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(0o755)
    return str(script)


def compare(tempo, python, *workloads):
    arguments = [sys.executable, str(COMPARE), "--tempo", tempo, "--python", python, "--rounds", "1"]
    for workload in workloads:
        arguments += ["--workload", workload]
    result = subprocess.run(arguments, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def row(stdout, workload):
    return next(line for line in stdout.splitlines() if line.startswith(f"| {workload} |"))


def test_both_sides_fill_the_row_and_the_cnn_goals_are_judged(tmp_path):
    # tempo bench alrao --workload W …: $4 is W.  python alrao.py --workload W …: $3 is W.
    tempo = fake(tmp_path, "tempo", 'echo "log"; echo "workload=$4 threads=2 copies=10 sgd_ms=12.345 '
                                    'alrao_ms=12.789 ratio=1.036 peak_rss_mb=123.4"\n')
    python = fake(tmp_path, "python", 'echo "workload=$3 threads=2 copies=10 sgd_ms=13.000 alrao_ms=13.100 '
                                      'ratio=1.008 peak_rss_mb=400.0"\n')
    stdout = compare(tempo, python, "cnn")
    assert row(stdout, "cnn") == "| cnn | 12.3 | 12.8 | 1.036 | 123 | 13.0 | 13.1 | 1.008 | 400 | 0.976 |"
    assert "- cnn: Tempo Alrao step ÷ Tempo SGD step 1.036 ≤ 1.02: missed" in stdout
    assert "- cnn: Tempo Alrao step 12.8 ms ≤ PyTorch's 13.1 ms: met" in stdout


def test_a_missing_or_failing_side_shows_dashes_and_the_run_goes_on(tmp_path):
    python = fake(tmp_path, "python", '[ "$3" = "mlp" ] && exit 2\n'
                                      'echo "workload=$3 threads=2 copies=10 sgd_ms=13.0 alrao_ms=13.1 ratio=1.008 '
                                      'peak_rss_mb=400.0"\n')
    stdout = compare(str(tmp_path / "no-such-tempo"), python, "cnn", "mlp")
    assert row(stdout, "cnn") == "| cnn | — | — | — | — | 13.0 | 13.1 | 1.008 | 400 | — |"
    assert row(stdout, "mlp") == "| mlp | — | — | — | — | — | — | — | — | — |"
    assert "- cnn: Tempo Alrao step — ms ≤ PyTorch's 13.1 ms: —" in stdout
