"""The `tempo` command as a user runs it: files, stdin, cells, exit codes, bad input."""
import os
import signal
import subprocess
import time

import pytest

TEMPO = os.environ.get("TEMPO_BIN", ".build/release/tempo")


def run(*args, stdin=None):
    return subprocess.run([TEMPO, *args], input=stdin, capture_output=True, timeout=60)


def test_runs_a_file_with_cells_sharing_one_session(tmp_path):
    program = tmp_path / "cells.tempo"
    program.write_text('let x = 2\n// %%\nlet x = x * 10\nprint("x is \\(x)")\n')
    result = run("run", str(program))
    assert result.returncode == 0
    assert result.stdout == b"x is 20\n"


def test_reads_the_program_from_stdin():
    result = run("run", "-", stdin=b"print([1, 4, 9].map { $0 * 2 })\n")
    assert result.returncode == 0
    assert result.stdout == b"[2, 8, 18]\n"


def test_an_error_exits_non_zero_with_the_place_and_a_help_line(tmp_path):
    program = tmp_path / "typo.tempo"
    program.write_text("let rate = 0.1\n// %%\nprint(rat)\n")
    result = run("run", str(program))
    assert result.returncode == 1
    err = result.stderr.decode()
    assert err.startswith("NameError: cannot find 'rat' in scope")
    assert f"{program}:3:7: error: cannot find 'rat' in scope" in err
    assert "help: did you mean 'rate'?" in err


def test_output_before_an_error_is_kept(tmp_path):
    program = tmp_path / "partial.tempo"
    program.write_text('print("before")\nlet a = [1][2]\nprint("after")\n')
    result = run("run", str(program))
    assert result.returncode == 1
    assert result.stdout == b"before\n"
    assert b"IndexError" in result.stderr


def test_a_missing_file_is_a_clear_error():
    result = run("run", "/nonexistent/prog.tempo")
    assert result.returncode == 2
    assert b"cannot open '/nonexistent/prog.tempo'" in result.stderr


def test_invalid_utf8_is_reported_with_its_offset(tmp_path):
    program = tmp_path / "latin1.tempo"
    program.write_bytes(b'print("caf\xe9")\n')
    result = run("run", str(program))
    assert result.returncode == 2
    assert b"not valid UTF-8 (first bad byte at offset 10)" in result.stderr


def test_input_reads_stdin_and_fails_cleanly_at_its_end(tmp_path):
    program = tmp_path / "ask.tempo"
    program.write_text('let n = input("n? ")\nprint("got", n)\nlet m = input("m? ")\n')
    result = run("run", str(program), stdin=b"5\n")
    assert result.stdout == b"n? got 5\nm? "
    assert result.returncode == 1
    assert b"InputError: input(\xe2\x80\xa6) reached the end of standard input" in result.stderr


def test_version_and_help():
    version = run("--version")
    assert version.returncode == 0
    assert version.stdout.strip() == b"0.1.0"
    help_text = run("--help")
    assert help_text.returncode == 0
    assert b"run" in help_text.stdout


def test_sigint_stops_the_program_with_keyboard_interrupt(tmp_path):
    program = tmp_path / "forever.tempo"
    program.write_text('print("start")\nvar i = 0\nwhile true { i += 1 }\n')
    process = subprocess.Popen([TEMPO, "run", str(program)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=20)
    assert process.returncode == 1
    assert stdout == b"start\n"
    assert stderr.startswith(b"KeyboardInterrupt: execution was interrupted")
