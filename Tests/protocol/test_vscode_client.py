"""A client that starts a kernel the way VS Code's Jupyter extension does, checking each reply.

At start-up VS Code asks, before the first cell: comm_info (for its widget manager), kernel_info
on the *control* channel, is_complete (its interactive window decides whether Enter runs), and
history (tail, raw, no output: the interactive window's up-arrow). It then runs housekeeping
executes with silent: true before the user's first cell. Every reply is checked against the
messaging spec: its channel, its parent, its content's fields and types, and busy/idle on IOPub
around it with the request as parent.
"""
from __future__ import annotations

import time
from queue import Empty

import pytest
from jupyter_client.manager import KernelManager
from protocol_helpers import (
    KERNEL_NAME,
    TIMEOUT,
    execute,
    iopub_until_idle,
    shell_reply,
    start_kernel,
    stop_kernel,
    wait_until_running,
)


@pytest.fixture(scope="module")
def vscode_kernel(jupyter_env):
    km, kc = start_kernel()
    yield km, kc
    stop_kernel(km, kc)


def statuses(kc, msg_id: str, parent_type: str, timeout: float = TIMEOUT) -> list[str]:
    """The execution states IOPub reports for one request, up to its idle."""
    deadline = time.monotonic() + timeout
    states = []
    while time.monotonic() < deadline:
        try:
            msg = kc.get_iopub_msg(timeout=max(0.0, deadline - time.monotonic()))
        except Empty:
            continue
        parent = msg["parent_header"]
        if parent.get("msg_id") != msg_id or parent.get("msg_type") != parent_type:
            continue
        if msg["msg_type"] == "status":
            states.append(msg["content"]["execution_state"])
            if states[-1] == "idle":
                return states
    raise TimeoutError(f"no idle for {parent_type} {msg_id}; saw {states}")


def control_reply(kc, msg_id: str, timeout: float = TIMEOUT) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            msg = kc.get_control_msg(timeout=max(0.0, deadline - time.monotonic()))
        except Empty:
            continue
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg
    raise TimeoutError(f"no control reply to {msg_id}")


def check_reply_header(reply: dict, request_id: str, reply_type: str) -> None:
    assert reply["msg_type"] == reply_type
    assert reply["header"]["msg_type"] == reply_type
    assert reply["parent_header"]["msg_id"] == request_id
    assert reply["header"]["session"], "a reply carries the kernel's session id"
    major, minor = (int(part) for part in reply["header"]["version"].split(".")[:2])
    assert (major, minor) >= (5, 3)


def test_start_up_as_vscode_does(vscode_kernel):
    km, kc = vscode_kernel

    # 1. comm_info for the widget manager: status ok and a dictionary of comms (none open).
    comm_id = kc.comm_info(target_name="jupyter.widget")
    comm = shell_reply(kc, comm_id)
    check_reply_header(comm, comm_id, "comm_info_reply")
    assert comm["content"] == {"status": "ok", "comms": {}}
    assert statuses(kc, comm_id, "comm_info_request") == ["busy", "idle"]

    # 2. kernel_info on control: the full reply, on control, with busy/idle on IOPub.
    request = kc.session.msg("kernel_info_request", {})
    kc.control_channel.send(request)
    info_id = request["header"]["msg_id"]
    info = control_reply(kc, info_id)
    check_reply_header(info, info_id, "kernel_info_reply")
    content = info["content"]
    assert content["status"] == "ok"
    assert content["protocol_version"] == "5.5"
    assert content["implementation"] == "tempo"
    assert isinstance(content["implementation_version"], str) and content["implementation_version"]
    assert isinstance(content["banner"], str) and content["banner"]
    language = content["language_info"]
    for field in ("name", "version", "mimetype", "file_extension", "pygments_lexer", "codemirror_mode"):
        assert isinstance(language[field], str) and language[field], field
    assert language["name"] == "tempo" and language["file_extension"] == ".tempo"
    assert all(isinstance(link["text"], str) and isinstance(link["url"], str) for link in content["help_links"])
    assert "debugger" not in content.get("supported_features", [])
    assert content.get("debugger", False) is False
    assert statuses(kc, info_id, "kernel_info_request") == ["busy", "idle"]

    # 3. is_complete: complete, incomplete with an indent, invalid; an empty cell is complete.
    expected = {
        "": ("complete", None),
        "print(1)": ("complete", None),
        "for i in 0..<3 {": ("incomplete", "    "),
        "let x = (1,": ("incomplete", "    "),
        "let = 1": ("invalid", None),
    }
    for code, (status, indent) in expected.items():
        msg_id = kc.is_complete(code)
        reply = shell_reply(kc, msg_id)
        check_reply_header(reply, msg_id, "is_complete_reply")
        assert reply["content"]["status"] == status, (code, reply["content"])
        if indent is None:
            assert "indent" not in reply["content"] or status == "incomplete", (code, reply["content"])
        else:
            assert reply["content"]["indent"] == indent, (code, reply["content"])
        assert statuses(kc, msg_id, "is_complete_request") == ["busy", "idle"]

    # 4. history, tail, raw, without output: a list of [session, line, input] triples.
    history_id = kc.history(hist_access_type="tail", n=100, raw=True, output=False)
    history = shell_reply(kc, history_id)
    check_reply_header(history, history_id, "history_reply")
    assert history["content"]["status"] == "ok"
    entries = history["content"]["history"]
    assert isinstance(entries, list)
    for entry in entries:
        assert len(entry) == 3 and isinstance(entry[0], int) and isinstance(entry[1], int)
        assert isinstance(entry[2], str)
    assert statuses(kc, history_id, "history_request") == ["busy", "idle"]

    # 5. A silent housekeeping execute: a reply, no execute_input, no output, no count used.
    silent = execute(kc, "let vscodeHousekeeping = 1", silent=True, store_history=False)
    assert silent.status == "ok"
    assert not silent.of_type("execute_input") and not silent.of_type("execute_result")
    # 6. The user's first cell: count 1, its input echoed, its value shown.
    first = execute(kc, "vscodeHousekeeping + 41")
    assert first.status == "ok", first.describe()
    assert first.content["execution_count"] == 1
    assert first.content["user_expressions"] == {}
    (echo,) = first.of_type("execute_input")
    assert echo["content"] == {"code": "vscodeHousekeeping + 41", "execution_count": 1}
    (result,) = first.of_type("execute_result")
    assert result["content"]["execution_count"] == 1
    assert result["content"]["data"]["text/plain"] == "42"
    assert isinstance(result["content"]["metadata"], dict)

    # 7. The history now holds the cell (and not the silent one), with output when asked.
    with_output_id = kc.history(hist_access_type="tail", n=1, raw=True, output=True)
    tail = shell_reply(kc, with_output_id)["content"]["history"]
    assert len(tail) == 1
    session, line, (source, output) = tail[0]
    assert line == 1 and source == "vscodeHousekeeping + 41" and output == "42"
    iopub_until_idle(kc, with_output_id, parent_type="history_request")


@pytest.mark.parametrize(
    "code, matches",
    [
        ("SGD(learningRate: 0.1).", ["learningRate"]),
        ("SGD(learningRate: 0.1).lea", ["learningRate"]),
        ("Fashion", ["FashionMNIST"]),
        ("MLP([64, 10]).head.", ["count", "paths"]),
        ('"é😀".upper', ["uppercased"]),
    ],
)
def test_completion_after_a_call_and_of_partial_names(vscode_kernel, code, matches):
    km, kc = vscode_kernel
    msg_id = kc.complete(code, len(code))
    reply = shell_reply(kc, msg_id)
    check_reply_header(reply, msg_id, "complete_reply")
    content = reply["content"]
    assert content["status"] == "ok"
    assert content["matches"] == matches
    typed = len(code) - max(code.rfind("."), -1) - 1 if "." in code else len(code)
    assert (content["cursor_start"], content["cursor_end"]) == (len(code) - typed, len(code))
    assert isinstance(content["metadata"], dict)
    iopub_until_idle(kc, msg_id, parent_type="complete_request")


def test_start_up_requests_sent_before_the_kernel_is_ready_are_all_answered(jupyter_env):
    """VS Code does not wait for a first kernel_info reply before its other start-up requests."""
    km = KernelManager(kernel_name=KERNEL_NAME)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        comm_id = kc.comm_info()
        control = kc.session.msg("kernel_info_request", {})
        kc.control_channel.send(control)
        complete_id = kc.is_complete("let a = [1,")
        history_id = kc.history(hist_access_type="tail", n=10, raw=True, output=False)
        assert shell_reply(kc, comm_id)["content"] == {"status": "ok", "comms": {}}
        assert control_reply(kc, control["header"]["msg_id"])["content"]["status"] == "ok"
        assert shell_reply(kc, complete_id)["content"] == {"status": "incomplete", "indent": "    "}
        history = shell_reply(kc, history_id)["content"]
        assert history["status"] == "ok" and isinstance(history["history"], list)
    finally:
        stop_kernel(km, kc)


def test_kernel_info_on_control_is_answered_while_a_cell_runs(vscode_kernel):
    km, kc = vscode_kernel
    running = kc.execute("var spins = 0\nwhile true { spins += 1 }")
    wait_until_running(kc, running)
    request = kc.session.msg("kernel_info_request", {})
    kc.control_channel.send(request)
    info = control_reply(kc, request["header"]["msg_id"])
    assert info["content"]["status"] == "ok"
    with pytest.raises(Empty):
        kc.get_shell_msg(timeout=0.2)  # the cell is still running: no execute_reply yet
    km.interrupt_kernel()
    reply = shell_reply(kc, running)
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "KeyboardInterrupt"
    iopub_until_idle(kc, running)
