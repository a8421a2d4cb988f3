"""Interrupts end the running cell with KeyboardInterrupt and keep the session.

Both ways a front end interrupts: an interrupt_request on control (the kernelspec's
interrupt_mode "message", which KernelManager.interrupt_kernel uses) and SIGINT to the kernel's
process group (the default mode, and what a user's Ctrl-C or `kill -INT` does).
"""
import signal
import time

import pytest
from protocol_helpers import execute, finish, wait_until_running

SPIN = "var n = 0\nwhile true { n += 1 }"


def interrupt_by_message(km):
    km.interrupt_kernel()


def interrupt_by_signal(km):
    km.signal_kernel(signal.SIGINT)


@pytest.mark.parametrize("interrupt", [interrupt_by_message, interrupt_by_signal], ids=["message", "sigint"])
def test_an_interrupt_ends_the_cell_and_keeps_the_session(kernel, interrupt):
    km, kc = kernel
    assert execute(kc, "let before = 41").status == "ok"

    msg_id = kc.execute(SPIN)
    wait_until_running(kc, msg_id)
    time.sleep(0.3)
    interrupt(km)
    run = finish(kc, msg_id, timeout=15)

    assert run.status == "error", run.describe()
    assert run.content["ename"] == "KeyboardInterrupt", run.describe()
    errors = run.of_type("error")
    assert [e["content"]["ename"] for e in errors] == ["KeyboardInterrupt"], run.describe()
    assert km.is_alive()

    after = execute(kc, "print(before + 1)\nprint(n > 0)")
    assert after.status == "ok", after.describe()
    assert after.stream() == "42\ntrue\n"


def test_the_kernel_can_be_interrupted_again_and_again(kernel):
    km, kc = kernel
    for round_, interrupt in enumerate([interrupt_by_message, interrupt_by_signal, interrupt_by_message]):
        msg_id = kc.execute(SPIN)
        wait_until_running(kc, msg_id)
        interrupt(km)
        try:
            run = finish(kc, msg_id, timeout=10)
        except TimeoutError:
            pytest.fail(f"round {round_}: {interrupt.__name__} right after execute_input did not stop the cell")
        assert run.content.get("ename") == "KeyboardInterrupt", run.describe()
    assert execute(kc, "print(1 + 1)").stream() == "2\n"


def test_an_interrupt_while_idle_does_not_fail_the_next_cell(kernel):
    km, kc = kernel
    interrupt_by_message(km)
    interrupt_by_signal(km)
    time.sleep(0.3)
    assert km.is_alive()
    run = execute(kc, "print(1 + 2)")
    assert run.status == "ok", run.describe()
    assert run.stream() == "3\n"


def test_an_interrupt_inside_a_function_call_keeps_earlier_cells(kernel):
    km, kc = kernel
    assert execute(kc, "func spin() -> Int {\n  var k = 0\n  while true { k += 1 }\n  return k\n}").status == "ok"
    msg_id = kc.execute("let never = spin()")
    wait_until_running(kc, msg_id)
    time.sleep(0.2)
    interrupt_by_message(km)
    run = finish(kc, msg_id, timeout=15)
    assert run.content.get("ename") == "KeyboardInterrupt", run.describe()
    assert execute(kc, "print(type(of: spin))").status == "ok"


def test_an_interrupt_ends_a_cell_waiting_for_input(kernel):
    km, kc = kernel
    msg_id = kc.execute('let answer = input("name? ")', allow_stdin=True)
    request = kc.get_stdin_msg(timeout=10)
    assert request["msg_type"] == "input_request"
    interrupt_by_message(km)
    run = finish(kc, msg_id, timeout=15)
    assert run.status == "error", run.describe()
    assert run.content["ename"] == "KeyboardInterrupt", run.describe()
    assert execute(kc, "print(7)").stream() == "7\n"
