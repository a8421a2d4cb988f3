"""Training through the real kernel: live progress, interrupts that keep the partial run, and
divergence that leaves the kernel up. The data is generated (Blobs, Digits), so these tests need
no files."""
import time
from queue import Empty

from protocol_helpers import execute, finish, plain, wait_until_running

# Long enough that an interrupt lands mid-training on any machine (thousands of steps).
LONG_FIT = (
    "let run = fit(MLP([64, 256, 256, 10]), on: Digits().split(0.8, seed: 0), "
    "optimizer: SGD(learningRate: 0.01, momentum: 0.9), epochs: 10000, batchSize: 8)"
)


def test_fit_shows_one_live_display_updated_in_place_and_returns_a_run(kernel):
    km, kc = kernel
    run = execute(
        kc,
        "let run = fit(MLP([64, 32, 10]), on: Digits().split(0.8, seed: 0), "
        "optimizer: SGD(learningRate: 0.1, momentum: 0.9), epochs: 3, batchSize: 16)\nrun",
        timeout=120,
    )
    assert run.status == "ok", run.describe()
    displays = run.of_type("display_data")
    updates = run.of_type("update_display_data")
    assert len(displays) == 1, run.describe()
    display_id = displays[0]["content"]["transient"]["display_id"]
    assert updates, "no progress updates"
    assert {u["content"]["transient"]["display_id"] for u in updates} == {display_id}
    final = updates[-1]["content"]["data"]
    assert "image/svg+xml" in final
    assert "completed" in final["text/plain"]
    result = run.of_type("execute_result")[0]["content"]["data"]
    assert "image/svg+xml" in result, "a Run displays its learning curves"
    assert "3 of 3 epochs" in result["text/plain"]


def test_an_interrupt_stops_training_keeps_the_partial_run_and_the_variables(kernel):
    km, kc = kernel
    assert execute(kc, "let before = 41").status == "ok"
    msg_id = kc.execute(LONG_FIT)
    wait_until_running(kc, msg_id)
    time.sleep(2.0)
    # The control channel answers while the interpreter thread trains, and the heartbeat beats.
    request = kc.session.msg("kernel_info_request")
    kc.control_channel.send(request)
    reply = kc.control_channel.get_msg(timeout=5)
    assert reply["header"]["msg_type"] == "kernel_info_reply"
    assert reply["parent_header"]["msg_id"] == request["header"]["msg_id"]
    assert kc.hb_channel.is_beating()
    km.interrupt_kernel()
    run = finish(kc, msg_id, timeout=30)
    assert run.status == "error", run.describe()
    assert run.content["ename"] == "KeyboardInterrupt", run.describe()

    after = execute(kc, "print(before + 1)\nprint(run.interrupted)\nprint(run.steps > 0)\nprint(run.status)")
    assert after.status == "ok", after.describe()
    lines = after.stream().splitlines()
    assert lines[:3] == ["42", "true", "true"], after.describe()
    assert lines[3].startswith("interrupted in epoch"), lines
    # The progress display ended on the interrupted state, inside the cell's busy/idle window.
    updates = run.of_type("update_display_data")
    assert updates and "interrupted" in updates[-1]["content"]["data"]["text/plain"]


def test_an_interrupt_during_seeds_keeps_the_finished_runs_and_the_interrupted_one(kernel):
    """What help(seeds) promises, with the real interrupt button: seed 0 finishes (one epoch),
    seed 1 is interrupted mid-training, seed 2 never starts, and the group is stored."""
    km, kc = kernel
    msg_id = kc.execute(
        "let group = seeds(3) { s in fit(MLP([64, 256, 256, 10]), on: Digits().split(0.8, seed: 0), "
        "optimizer: SGD(learningRate: 0.01, momentum: 0.9), epochs: s == 0 ? 1 : 10000, batchSize: 8, seed: s) }"
    )
    wait_until_running(kc, msg_id)
    # Each fit opens one live display: the second is seed 1's, so seed 0 has finished.
    displays = 0
    deadline = time.monotonic() + 120
    while displays < 2 and time.monotonic() < deadline:
        try:
            msg = kc.get_iopub_msg(timeout=1)
        except Empty:
            continue
        if msg["msg_type"] == "display_data" and msg["parent_header"].get("msg_id") == msg_id:
            displays += 1
    assert displays == 2, "seed 1's fit never started"
    time.sleep(1.0)
    km.interrupt_kernel()
    run = finish(kc, msg_id, timeout=30)
    assert run.status == "error", run.describe()
    assert run.content["ename"] == "KeyboardInterrupt", run.describe()

    after = execute(
        kc, 'print(group.count)\nprint(group[0].status)\nprint(group[1].interrupted)\nprint(group.testAccuracy["count"]!)'
    )
    assert after.status == "ok", after.describe()
    assert after.stream().splitlines() == ["2", "completed", "true", "1"], after.describe()


def test_a_diverging_run_is_a_divergence_error_and_the_kernel_stays_up(kernel):
    km, kc = kernel
    run = execute(
        kc,
        "fit(MLP([10, 32, 1]), on: RegressionToy(seed: 0), optimizer: SGD(learningRate: 50, momentum: 0.9), "
        "epochs: 20, batchSize: 16)",
        timeout=60,
    )
    assert run.status == "error", run.describe()
    assert run.content["ename"] == "DivergenceError"
    text = plain("\n".join(run.content["traceback"]))
    assert "at epoch" in text and "step" in text
    assert "help: lower the learning rate" in text
    assert km.is_alive()
    assert execute(kc, "print(1 + 1)").stream() == "2\n"


def test_the_first_fit_in_a_kernel_process_equals_later_identical_fits(kernel):
    """A report said the first fit in a fresh kernel differed from later identical ones (a lazily
    set thread count or a warm-up path would do that). Three identical fits, each with its live
    display, in a fresh kernel: the same losses to the last bit, for an MLP and a ConvNet."""
    _, kc = kernel
    for model in ["MLP([64, 32, 10])", "ConvNet(channels: [8, 16], hidden: 32, classes: 10)"]:
        cell = (f"let r = fit({model}, on: Digits().split(0.8, seed: 0), "
                "optimizer: SGD(learningRate: 0.1, momentum: 0.9), epochs: 2, seed: 3)\nprint(r.trainLoss, r.testLoss)")
        losses = [execute(kc, cell, timeout=300).stream() for _ in range(3)]
        assert losses[0] and losses[0] == losses[1] == losses[2], f"{model}: {losses}"
