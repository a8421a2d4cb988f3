"""The kernel's life through jupyter_client: shutdown, restart, heartbeat, signatures, stdin,
stop_on_error, silent executes and history files."""
import time
import uuid
from queue import Empty

import pytest
import zmq
from protocol_helpers import (
    RawSocket,
    drain_iopub,
    execute,
    execute_content,
    finish,
    plain,
    shell_reply,
    start_kernel,
    stop_kernel,
    wait_until_running,
)

SPIN = "var n = 0\nwhile true { n += 1 }"
# jupyter_client sends SIGTERM 2.5 s after shutdown_request (half of shutdown_wait_time): a kernel
# that exits by itself does so well before that.
SHUTDOWN_GRACE = 2.5


# ---- shutdown and restart


def test_shutdown_request_is_answered_and_the_process_exits_by_itself(kernel):
    km, kc = kernel
    process = km.provisioner.process
    msg_id = kc.shutdown()
    reply = kc.control_channel.get_msg(timeout=10)
    assert reply["parent_header"]["msg_id"] == msg_id
    assert reply["msg_type"] == "shutdown_reply"
    assert reply["content"]["status"] == "ok"
    assert reply["content"]["restart"] is False
    process.wait(timeout=SHUTDOWN_GRACE)
    assert process.returncode == 0


def test_shutdown_while_a_cell_runs_still_exits(kernel):
    km, kc = kernel
    process = km.provisioner.process
    msg_id = kc.execute(SPIN)
    wait_until_running(kc, msg_id)
    kc.shutdown()
    reply = kc.control_channel.get_msg(timeout=10)
    assert reply["content"]["status"] == "ok"
    process.wait(timeout=SHUTDOWN_GRACE)
    assert process.returncode == 0


def test_km_shutdown_kernel_is_graceful(jupyter_env):
    km, kc = start_kernel()
    process = km.provisioner.process
    kc.stop_channels()
    started = time.monotonic()
    km.shutdown_kernel(now=False)
    assert time.monotonic() - started < SHUTDOWN_GRACE, "the kernel was killed, not shut down"
    assert process.returncode == 0
    assert not km.is_alive()


def test_restart_reuses_the_ports_and_starts_a_fresh_session(kernel):
    km, kc = kernel
    assert execute(kc, "let marker = 7").status == "ok"
    ports = [km.shell_port, km.iopub_port, km.stdin_port, km.control_port, km.hb_port]
    old_process = km.provisioner.process
    old_session = shell_reply(kc, kc.kernel_info())["header"]["session"]

    started = time.monotonic()
    km.restart_kernel(now=False)
    elapsed = time.monotonic() - started
    assert old_process.returncode == 0, "the old kernel did not exit by itself"
    assert elapsed < SHUTDOWN_GRACE + 1, f"restart took {elapsed:.2f} s"
    assert [km.shell_port, km.iopub_port, km.stdin_port, km.control_port, km.hb_port] == ports

    kc.wait_for_ready(timeout=30)
    new_session = shell_reply(kc, kc.kernel_info())["header"]["session"]
    assert new_session != old_session
    run = execute(kc, "print(marker)")
    assert run.status == "error", run.describe()
    assert run.content["ename"] == "NameError"
    assert execute(kc, "print(6 * 7)").stream() == "42\n"


# ---- heartbeat and control while a cell runs


def test_heartbeat_and_control_answer_while_a_cell_runs(kernel):
    km, kc = kernel
    msg_id = kc.execute(SPIN)
    wait_until_running(kc, msg_id)

    heart = RawSocket(km, "hb", km.session.key, socket_type=zmq.REQ)
    control = RawSocket(km, "control", km.session.key)
    try:
        for _ in range(3):
            ping = f"ping-{uuid.uuid4()}".encode()
            heart.socket.send(ping)
            assert heart.socket.poll(2000), "no heartbeat echo while a cell runs"
            assert heart.socket.recv() == ping
            time.sleep(0.2)
        assert km.is_alive()

        info_id = control.send("kernel_info_request", {})
        reply = control.recv(timeout=5)
        assert reply is not None, "kernel_info_request on control was not answered while a cell runs"
        assert reply["parent_header"]["msg_id"] == info_id
        assert reply["msg_type"] == "kernel_info_reply"
        assert reply["content"]["language_info"]["name"] == "tempo"
    finally:
        heart.close()
        control.close()

    km.interrupt_kernel()
    assert finish(kc, msg_id, timeout=15).content.get("ename") == "KeyboardInterrupt"


# ---- message signatures


def _forgeries(km):
    """(description, socket, frames) for messages that must never run: wrong key, no signature,
    and a correct signature over different content."""
    code = 'let forged = 1\nprint("forged")'
    wrong = RawSocket(km, "shell", b"not-the-key")
    _, wrong_frames = wrong.serialize("execute_request", execute_content(code))
    unsigned = RawSocket(km, "shell", km.session.key)
    _, unsigned_frames = unsigned.serialize("execute_request", execute_content(code))
    unsigned_frames[1] = b""
    tampered = RawSocket(km, "shell", km.session.key)
    _, tampered_frames = tampered.serialize("execute_request", execute_content('print("harmless")'))
    tampered_frames[-1] = tampered.session.pack(execute_content(code))
    return [
        ("signed with the wrong key", wrong, wrong_frames),
        ("without a signature", unsigned, unsigned_frames),
        ("with content changed after signing", tampered, tampered_frames),
    ]


def test_a_correctly_signed_message_from_a_raw_socket_is_answered(kernel):
    """The control for the forgery tests below: the same path with the right key works."""
    km, kc = kernel
    sock = RawSocket(km, "shell", km.session.key)
    try:
        msg_id = sock.send("execute_request", execute_content("let signed = 1"))
        reply = sock.recv(timeout=10)
        assert reply is not None and reply["parent_header"]["msg_id"] == msg_id
        assert reply["content"]["status"] == "ok"
    finally:
        sock.close()
    assert execute(kc, "print(signed)").stream() == "1\n"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"silent": "yes"}, "execute_request: 'silent' must be true or false, got the string \"yes\""),
        ({"user_expressions": ["x"]},
         "execute_request: 'user_expressions' must be an object of strings (name → expression), got an array [\"x\"]"),
    ],
)
def test_a_request_with_a_field_of_the_wrong_type_is_refused_by_name_and_nothing_runs(kernel, overrides, message):
    """ipykernel's handlers are schema-checked; so are Tempo's: a wrong type is an error reply, not a guess."""
    km, kc = kernel
    sock = RawSocket(km, "shell", km.session.key)
    try:
        msg_id = sock.send("execute_request", execute_content("let typed = 1", **overrides))
        reply = sock.recv(timeout=10)
        assert reply is not None and reply["parent_header"]["msg_id"] == msg_id
        assert reply["msg_type"] == "execute_reply"
        assert reply["content"]["status"] == "error"
        assert reply["content"]["ename"] == "ProtocolError"
        assert reply["content"]["evalue"] == message
    finally:
        sock.close()
    run = execute(kc, "print(typed)")
    assert run.status == "error", "the refused cell did not run"
    assert execute(kc, "print(1 + 1)").stream() == "2\n", "and the kernel answers as before"


def test_badly_signed_messages_are_never_executed(kernel):
    km, kc = kernel
    forgeries = _forgeries(km)
    try:
        for _, sock, frames in forgeries:
            sock.send_frames(frames)
        for what, sock, _ in forgeries:
            assert sock.recv_frames(timeout=1.0) is None, f"the kernel replied to a message {what}"
    finally:
        for _, sock, _ in forgeries:
            sock.close()

    assert km.is_alive()
    run = execute(kc, "print(forged)")
    assert run.status == "error", f"a forged execute_request ran:\n{run.describe()}"
    assert run.content["ename"] == "NameError"
    assert "forged" not in run.stream()


def test_a_badly_signed_shutdown_on_control_is_ignored(kernel):
    km, kc = kernel
    forger = RawSocket(km, "control", b"not-the-key")
    try:
        forger.send("shutdown_request", {"restart": False})
        assert forger.recv_frames(timeout=1.0) is None
    finally:
        forger.close()
    assert km.is_alive()
    assert execute(kc, "print(5)").stream() == "5\n"


def test_garbage_frames_do_not_crash_the_kernel(kernel):
    km, kc = kernel
    sock = RawSocket(km, "shell", km.session.key)
    try:
        sock.send_frames([b"no delimiter at all"])
        sock.send_frames([b"<IDS|MSG>"])
        _, frames = sock.serialize("execute_request", execute_content("print(1)"))
        frames[2] = b"{not json"
        sock.send_frames(frames)
        assert sock.recv_frames(timeout=0.5) is None
    finally:
        sock.close()
    assert km.is_alive()
    assert execute(kc, "print(9)").stream() == "9\n"


# ---- stdin


def test_input_with_allow_stdin_asks_the_caller_and_sees_the_answer(kernel):
    km, kc = kernel
    msg_id = kc.execute('let name = input("name? ")\nprint("hello, \\(name)")', allow_stdin=True)
    request = kc.get_stdin_msg(timeout=10)
    assert request["msg_type"] == "input_request"
    assert request["parent_header"]["msg_id"] == msg_id
    assert request["content"]["prompt"] == "name? "
    assert request["content"]["password"] is False
    kc.input("Ada Lovelace ☕")
    run = finish(kc, msg_id)
    assert run.status == "ok", run.describe()
    assert "hello, Ada Lovelace ☕\n" in run.stream()
    assert execute(kc, "print(name.count)").stream() == "14\n"


def test_input_without_allow_stdin_fails_at_once(kernel):
    km, kc = kernel
    started = time.monotonic()
    run = execute(kc, 'let name = input("name? ")', allow_stdin=False, timeout=10)
    assert time.monotonic() - started < 5
    assert run.status == "error", run.describe()
    assert run.content["ename"] == "InputError"
    with pytest.raises(Empty):
        kc.get_stdin_msg(timeout=0.2)
    assert execute(kc, "print(3)").stream() == "3\n"


# ---- stop_on_error

# A cell that fails only after running for a while, so the next request is already queued when
# the error happens. The loop takes about 0.15 s on this machine.
SLOW_FAILURE = "var i = 0\nwhile i < 3_000_000 { i += 1 }\nprint([1][i])"


def test_an_error_aborts_the_executes_already_queued(kernel):
    km, kc = kernel
    failing = kc.execute(SLOW_FAILURE)
    queued = kc.execute('let queued = 1\nprint("queued ran")')
    first = finish(kc, failing)
    assert first.status == "error", first.describe()
    assert first.content["ename"] == "IndexError"
    second = shell_reply(kc, queued)
    assert second["content"]["status"] in ("aborted", "error"), second["content"]
    assert not any(
        m["msg_type"] == "stream" and "queued ran" in m["content"]["text"] for m in drain_iopub(kc, quiet=0.5)
    )

    later = execute(kc, "print(queued)")
    assert later.status == "error", "the queued cell ran after the error"
    assert later.content["ename"] == "NameError"
    assert execute(kc, 'print("after")').stream() == "after\n"


def test_without_stop_on_error_the_queued_execute_runs(kernel):
    km, kc = kernel
    failing = kc.execute(SLOW_FAILURE, stop_on_error=False)
    queued = kc.execute('print("queued ran")')
    first, second = finish(kc, failing), finish(kc, queued)
    assert first.status == "error"
    assert second.status == "ok", second.describe()
    assert second.stream() == "queued ran\n"


def test_other_requests_queued_behind_an_error_are_still_answered(kernel):
    km, kc = kernel
    failing = kc.execute(SLOW_FAILURE)
    completion = kc.complete("pri", 3)
    info = kc.kernel_info()
    assert finish(kc, failing).status == "error"
    assert shell_reply(kc, completion)["content"]["status"] == "ok"
    assert shell_reply(kc, info)["msg_type"] == "kernel_info_reply"


# ---- execute details


def test_silent_executes_publish_nothing_and_do_not_count(kernel):
    km, kc = kernel
    first = execute(kc, "1")
    count = first.content["execution_count"]
    silent = execute(kc, 'print("quiet")\n42', silent=True)
    assert silent.status == "ok"
    assert silent.messages == [], silent.describe()
    assert silent.content["execution_count"] == count
    nxt = execute(kc, "2")
    assert nxt.content["execution_count"] == count + 1
    assert [m["content"]["execution_count"] for m in nxt.of_type("execute_input")] == [count + 1]
    assert nxt.of_type("execute_result")[0]["content"]["execution_count"] == count + 1


def test_errors_carry_the_family_the_message_and_the_help_line(kernel):
    km, kc = kernel
    assert execute(kc, "let history = [1, 2]").status == "ok"
    run = execute(kc, "print(histroy)")
    assert run.status == "error"
    assert run.content["ename"] == "NameError"
    assert "cannot find 'histroy' in scope" in run.content["evalue"]
    [error] = run.of_type("error")
    assert error["content"]["ename"] == "NameError"
    assert all(isinstance(line, str) for line in error["content"]["traceback"])
    assert "help: did you mean 'history'?" in plain("\n".join(error["content"]["traceback"]))
    assert isinstance(run.content["execution_count"], int)


def test_a_cell_that_fails_while_running_keeps_its_output_and_completed_statements(kernel):
    km, kc = kernel
    run = execute(kc, 'var progress = 0\nfor step in 1...5 {\n  progress = step\n  print(100 / (3 - step))\n}')
    assert run.status == "error"
    assert run.content["ename"] == "ZeroDivisionError"
    assert run.stream() == "50\n100\n"
    assert execute(kc, "print(progress)").stream() == "3\n"


# ---- history


def test_history_is_written_under_the_jupyter_data_dir_and_outlives_the_kernel(jupyter_env):
    marker = f"let historyMarker{uuid.uuid4().hex[:8]} = 1"
    km, kc = start_kernel()
    try:
        assert execute(kc, marker).status == "ok"
    finally:
        stop_kernel(km, kc)
    files = [p for p in (jupyter_env.data_dir / "tempo").rglob("*") if p.is_file()]
    assert files, f"no history under {jupyter_env.data_dir / 'tempo'}"

    km, kc = start_kernel()
    try:
        reply = shell_reply(kc, kc.history(hist_access_type="tail", n=50, raw=True, output=False))
        inputs = [entry[2] for entry in reply["content"]["history"]]
        assert marker in inputs
        search = shell_reply(kc, kc.history(hist_access_type="search", pattern="let historyMarker*", raw=True))
        assert marker in [entry[2] for entry in search["content"]["history"]]
    finally:
        stop_kernel(km, kc)
