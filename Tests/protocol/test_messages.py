"""Request and reply details the acceptance suite does not look at: kernel_info fields, cursor
positions in Unicode code points, user_expressions, comm_info, unknown message types, and stream
output that is complete (and valid UTF-8) by the time idle arrives."""
import pytest
from protocol_helpers import RawSocket, execute, iopub_until_idle, shell_reply, start_kernel, stop_kernel


@pytest.fixture(scope="module")
def module_kernel(jupyter_env):
    """One kernel for this module: these tests read replies by msg_id and share no names."""
    km, kc = start_kernel()
    yield km, kc
    stop_kernel(km, kc)


def test_kernel_info_matches_the_contract(module_kernel):
    km, kc = module_kernel
    reply = shell_reply(kc, kc.kernel_info())
    content = reply["content"]
    assert content["status"] == "ok"
    assert content["protocol_version"] == "5.5"
    assert content["implementation"] == "tempo"
    info = content["language_info"]
    assert info["name"] == "tempo"
    assert info["file_extension"] == ".tempo"
    assert info["mimetype"] == "text/x-tempo"
    assert info["codemirror_mode"] == "swift"
    assert info["pygments_lexer"] == "swift"
    assert isinstance(content["banner"], str) and content["banner"]
    major, minor = (int(part) for part in reply["header"]["version"].split(".")[:2])
    assert (major, minor) >= (5, 3)
    assert reply["header"]["date"].tzinfo is not None


def test_completion_cursor_positions_count_unicode_code_points(module_kernel):
    km, kc = module_kernel
    assert execute(kc, "let café = 1").status == "ok"
    # Astral characters before the cursor: 2 UTF-16 units and 4 UTF-8 bytes, but 1 code point each.
    code = 'let s = "😀😀é"; print(caf'
    reply = shell_reply(kc, kc.complete(code, len(code)))["content"]
    assert reply["status"] == "ok"
    assert reply["matches"] == ["café"]
    assert (reply["cursor_start"], reply["cursor_end"]) == (len(code) - 3, len(code))


def test_completion_in_the_middle_of_a_line(module_kernel):
    km, kc = module_kernel
    code = "let x = sq + 1"
    cursor = code.index("sq") + 2
    reply = shell_reply(kc, kc.complete(code, cursor))["content"]
    assert reply["matches"] == ["sqrt"]
    assert (reply["cursor_start"], reply["cursor_end"]) == (cursor - 2, cursor)


def test_inspect_documents_a_builtin_and_a_variable(module_kernel):
    km, kc = module_kernel
    assert execute(kc, "let weights = [0.5, 0.25]").status == "ok"
    builtin = shell_reply(kc, kc.inspect("sqrt(2.0)", 2))["content"]
    assert builtin["found"] is True
    assert builtin["data"]["text/plain"].startswith("sqrt(_ x: Double) -> Double")
    value = shell_reply(kc, kc.inspect("weights", 3))["content"]
    assert value["data"]["text/plain"].startswith("weights: [Double] = [0.5, 0.25]")
    missing = shell_reply(kc, kc.inspect("nothingHere", 3))["content"]
    assert missing["status"] == "ok" and missing["found"] is False


def test_is_complete_gives_an_indent_for_an_open_block(module_kernel):
    km, kc = module_kernel
    reply = shell_reply(kc, kc.is_complete("func f() {"))["content"]
    assert reply["status"] == "incomplete"
    assert isinstance(reply["indent"], str)


def test_user_expressions_are_evaluated_after_the_cell(module_kernel):
    km, kc = module_kernel
    run = execute(kc, "let total = 40", user_expressions={"answer": "total + 2", "broken": "nowhere + 1"})
    assert run.status == "ok"
    expressions = run.content["user_expressions"]
    assert expressions["answer"]["status"] == "ok"
    assert expressions["answer"]["data"]["text/plain"] == "42"
    assert expressions["broken"]["status"] == "error"
    assert expressions["broken"]["ename"] == "NameError"


def test_comm_info_answers_with_no_comms(module_kernel):
    km, kc = module_kernel
    reply = shell_reply(kc, kc.comm_info())["content"]
    assert reply == {"status": "ok", "comms": {}}


def test_an_unknown_request_still_gets_busy_and_idle(module_kernel):
    km, kc = module_kernel
    sock = RawSocket(km, "shell", km.session.key)
    try:
        msg_id = sock.send("no_such_request", {})
        # no reply is required, but the request must be framed by busy/idle on IOPub
        iopub_until_idle(kc, msg_id, timeout=10, parent_type="no_such_request")
    finally:
        sock.close()
    assert execute(kc, "print(1)").stream() == "1\n"


def test_a_flood_of_output_is_complete_and_in_order_before_idle(module_kernel):
    km, kc = module_kernel
    run = execute(kc, "for i in 0..<20000 { print(i) }")
    assert run.status == "ok"
    assert run.stream() == "".join(f"{i}\n" for i in range(20000))
    assert len(run.of_type("stream")) < 2000, "stream output is not coalesced"


def test_multibyte_text_is_never_split_across_stream_messages(module_kernel):
    km, kc = module_kernel
    run = execute(kc, 'for _ in 0..<30000 { print("é😀", terminator: "") }')
    assert run.status == "ok"
    assert run.stream() == "é😀" * 30000
    for message in run.of_type("stream"):
        assert "\ufffd" not in message["content"]["text"]


def test_stdout_and_stderr_keep_their_own_streams(module_kernel):
    km, kc = module_kernel
    run = execute(kc, 'print("out 1")\nwarn("err 1")\nprint("out 2")')
    assert run.stream("stdout") == "out 1\nout 2\n"
    assert run.stream("stderr") == "err 1\n"
