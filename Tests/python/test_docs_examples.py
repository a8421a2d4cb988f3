"""Every code example in README.md and docs/**/*.md runs, as a user runs it: through the release
`tempo run`, at the sizes the page shows (the pages keep their data small enough: all of them
run in well under two minutes on two cores).

What a fence's tag means (docs/howto/README.md says the same for writers):
- ```swift: a cell of the page's one session; the page's cells run in order in one `tempo run`
  file (`// %%` between cells) and none may fail. A ```output block right after it is exactly
  what the cell prints.
- ```swift-error: a program of its own that fails; the ```text block right after it is exactly
  what `tempo run -` prints to standard error.
- ```sh: shell commands the page asks the reader to run (making data files); they run first, in
  order, in a scratch directory.
- Shown, never run: ```text (output that varies: times, progress), ```output (see above),
  ```console (commands with their output, such as `make lab`), ```swift-engine (Swift code
  against the engine's modules, not Tempo).
Any other tag fails the test, so no block is skipped without saying what it is.

Two pages are run elsewhere, which this test states rather than skips: docs/language.md (each
example in a fresh session, by Tests/TempoRuntimeTests/DocumentationTests.swift) and
docs/builtins.md (generated from the builtins' documentation, whose examples the Swift tests run),
and docs/howto/fine-tune-the-head.md (one session whose errors need its model, by
Tests/TempoLibraryTests/FineTuneTheHeadHowToTests.swift).
"""
import os
import pathlib
import re
import subprocess
import sys

import pytest

TEMPO = os.environ.get("TEMPO_BIN", ".build/release/tempo")
ROOT = pathlib.Path(__file__).resolve().parents[2]
RUN_ELSEWHERE = {
    "docs/language.md": "Tests/TempoRuntimeTests/DocumentationTests.swift",
    "docs/builtins.md": "Tests/TempoLibraryTests/LibraryDocumentationTests.swift",
    "docs/howto/fine-tune-the-head.md": "Tests/TempoLibraryTests/FineTuneTheHeadHowToTests.swift",
}
SHOWN = {"text", "output", "console", "swift-engine"}
RUN = {"swift", "swift-error", "sh"}
MARKER = "\x1edocs-example-cell-{}\x1e"


def pages():
    found = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    return [str(p.relative_to(ROOT)) for p in found]


def blocks(text):
    """(tag, body, line) of every fenced block, in order."""
    result = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        match = re.fullmatch(r"```(\S*)\s*", lines[i])
        if not match:
            i += 1
            continue
        start = i + 1
        i += 1
        while i < len(lines) and lines[i] != "```":
            i += 1
        assert i < len(lines), f"the block at line {start} is never closed"
        result.append((match.group(1), "\n".join(lines[start:i]), start))
        i += 1
    return result


def following(all_blocks, index, tag):
    """The body of the block right after block `index` when it has `tag`."""
    if index + 1 < len(all_blocks) and all_blocks[index + 1][0] == tag:
        return all_blocks[index + 1][1]
    return None


def environment(scratch):
    env = dict(os.environ)
    # The page's shell commands find the test's Python (and its packages) first, and the kernel's
    # data lookups (RottenTomatoes) find the packages of the environment the test runs in.
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    env["TEMPO_PYTHON_PREFIX"] = sys.prefix
    env["HOME"] = env.get("HOME", str(scratch))
    return env


def test_every_page_is_covered():
    listed = pages()
    for page in RUN_ELSEWHERE:
        assert page in listed, f"{page} is said to be run elsewhere but does not exist"
    assert "docs/howto/train-your-first-model.md" in listed


@pytest.mark.timeout(240)
@pytest.mark.parametrize("page", [p for p in pages() if p not in RUN_ELSEWHERE])
def test_page_examples_run(page, tmp_path):
    all_blocks = blocks((ROOT / page).read_text())
    for tag, _, line in all_blocks:
        assert tag in RUN | SHOWN, (
            f"{page}:{line}: a block tagged '{tag or '(none)'}' is neither run nor shown: tag it swift, "
            f"swift-error or sh to run it, or {', '.join(sorted(SHOWN))} to show it"
        )
    env = environment(tmp_path)

    for tag, body, line in all_blocks:
        if tag == "sh":
            result = subprocess.run(
                ["bash", "-euo", "pipefail", "-c", body], cwd=tmp_path, env=env, capture_output=True, timeout=120
            )
            assert result.returncode == 0, f"{page}:{line}: the shell block failed:\n{result.stderr.decode()}"

    for index, (tag, body, line) in enumerate(all_blocks):
        if tag != "swift-error":
            continue
        expected = following(all_blocks, index, "text")
        assert expected is not None, f"{page}:{line}: a swift-error block needs the ```text of its error after it"
        result = subprocess.run(
            [TEMPO, "run", "-"], input=body.encode() + b"\n", cwd=tmp_path, env=env, capture_output=True, timeout=120
        )
        assert result.returncode == 1, f"{page}:{line}: the program did not fail:\n{result.stdout.decode()}"
        assert result.stderr.decode() == expected + "\n", f"{page}:{line}: the error differs"

    cells = [(index, body, line) for index, (tag, body, line) in enumerate(all_blocks) if tag == "swift"]
    if not cells:
        return
    program = "\n// %%\n".join(
        f"{body}\n// %%\nprint(\"{MARKER.format(number)}\")" for number, (_, body, _) in enumerate(cells)
    )
    source = tmp_path / "page.tempo"
    source.write_text(program + "\n")
    result = subprocess.run([TEMPO, "run", str(source)], cwd=tmp_path, env=env, capture_output=True, timeout=200)
    stdout = result.stdout.decode()
    finished = stdout.count("\x1edocs-example-cell-")
    if result.returncode != 0:
        failed_line = cells[finished][2] if finished < len(cells) else "?"
        pytest.fail(f"{page}:{failed_line}: the cell failed:\n{result.stderr.decode()[-3000:]}")
    printed = re.split(r"\x1edocs-example-cell-\d+\x1e\n", stdout)
    for number, (index, _, line) in enumerate(cells):
        expected = following(all_blocks, index, "output")
        if expected is not None:
            assert printed[number] == expected + "\n", f"{page}:{line}: the output differs"
