"""`jupyter console --kernel tempo` in a pseudo-terminal, as a person would type into it.

Two modes: the prompt_toolkit console (the default) asks the kernel's is_complete_request after
each Enter, so a `for` block typed line by line runs only when its closing brace arrives; the
`--simple-prompt` console sends every line as its own cell (jupyter_console says "Multi-line
input not supported" there), which checks results, errors and exit.
"""
import os
import re
import sys
import time
from pathlib import Path

import pexpect
from protocol_helpers import plain

JUPYTER = Path(sys.executable).parent / "jupyter"
ANSI = r"(?:\x1b\[[0-9;?]*[A-Za-z])*"


def shown(text: str) -> str:
    """A pattern for text as the console prints it, colour codes allowed between characters."""
    return ANSI.join(re.escape(ch) for ch in text)


def console(*args: str) -> pexpect.spawn:
    env = dict(os.environ, TERM="dumb", PYTHONUNBUFFERED="1")
    child = pexpect.spawn(
        str(JUPYTER),
        ["console", "--kernel", "tempo", "--no-confirm-exit", *args],
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(50, 200),
    )
    return child


# prompt_toolkit drops keys that arrive right after it draws a prompt.
SETTLE = 0.5


def type_line(child: pexpect.spawn, text: str) -> None:
    time.sleep(SETTLE)
    child.send(text + "\r")


def quit_console(child: pexpect.spawn) -> None:
    """Ctrl-D: the console shuts the kernel down and exits (`exit` would be Tempo code)."""
    time.sleep(SETTLE)
    child.sendcontrol("d")
    child.expect(pexpect.EOF, timeout=30)
    child.close()


def test_a_for_block_typed_line_by_line_runs_when_it_is_complete(jupyter_env):
    child = console()
    try:
        child.expect(shown("In [1]: "))
        # Each Enter asks the kernel is_complete: "incomplete" keeps the block open.
        for line in ["for i in 0..<3 {", "print(i * 10)", "}"]:
            type_line(child, line)
        child.expect(shown("In [2]: "))
        lines = [line.strip() for line in plain(child.before).splitlines()]
        assert [line for line in lines if line.isdigit()] == ["0", "10", "20"], lines
        assert "Error" not in child.before, child.before
        # Later cells share the session.
        type_line(child, "let total = (0..<3).map { $0 * 10 }.reduce(0, +)")
        child.expect(shown("In [3]: "))
        type_line(child, 'print("total is \\(total)")')
        child.expect(shown("total is 30"))
        child.expect(shown("In [4]: "))
        quit_console(child)
        assert child.exitstatus == 0
    finally:
        if child.isalive():
            child.terminate(force=True)


def test_simple_prompt_shows_results_output_and_errors(jupyter_env):
    child = console("--simple-prompt")
    try:
        child.expect(shown("In [1]: "))
        type_line(child, "print([1, 2, 3].map { $0 * $0 })")
        child.expect(shown("[1, 4, 9]"))
        child.expect(shown("In [2]: "))
        type_line(child, "6 * 7")
        child.expect(shown("Out[2]: 42"))
        child.expect(shown("In [3]: "))
        type_line(child, "undefinedName")
        child.expect(shown("NameError"))
        child.expect(shown("In [4]: "))
        quit_console(child)
        assert child.exitstatus == 0
    finally:
        if child.isalive():
            child.terminate(force=True)
