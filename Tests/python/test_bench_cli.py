"""`tempo bench engine` prints the line format bench/compare.py parses, for every workload."""
import os
import re
import subprocess

TEMPO = os.environ.get("TEMPO_BIN", ".build/release/tempo")
LINE = re.compile(
    r"^workload=(?P<name>\w+) threads=(?P<threads>\d+) ms_per_step=(?P<ms>[0-9.]+) "
    r"gflops=(?P<gflops>[0-9.]+) peak_rss_mb=(?P<rss>[0-9.]+)$"
)


def bench(*args):
    return subprocess.run([TEMPO, "bench", "engine", *args], capture_output=True, text=True, timeout=600)


def test_every_workload_prints_one_well_formed_line_in_its_own_process():
    result = bench("--quick", "--threads", "1")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    names = [LINE.match(line).group("name") for line in lines]
    assert "sgemm" in names and "mlp" in names and "spiral" in names
    assert len(names) == len(set(names))
    for line in lines:
        match = LINE.match(line)
        assert match["threads"] == "1"
        assert float(match["ms"]) > 0 and float(match["gflops"]) > 0 and float(match["rss"]) > 1


def test_memory_steps_reports_resident_memory_before_and_after():
    result = bench("--workload", "spiral", "--quick", "--memory-steps", "200")
    assert result.returncode == 0, result.stderr
    second = result.stdout.splitlines()[1]
    assert re.match(r"^workload=spiral rss_after_warmup_mb=\d+ rss_after_200_steps_mb=\d+$", second)


def test_an_unknown_workload_is_refused_with_the_list_of_names():
    result = bench("--workload", "mpl")
    assert result.returncode != 0
    assert "unknown workload 'mpl'" in result.stderr and "spiral" in result.stderr
