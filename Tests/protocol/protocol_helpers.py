"""Small helpers for driving a kernel through jupyter_client and raw ZeroMQ sockets.

Every helper reads replies by parent msg_id and skips anything else, so a stray message from an
earlier request can never be mistaken for the answer to the current one. IOPub messages are also
matched on the parent's msg_type: KernelManager.client() clones the manager's Session, so the
manager's own requests (interrupt_request from km.interrupt_kernel()) reuse the msg_ids of the
client's requests, and the kernel's busy/idle for such an interrupt would otherwise pass for the
idle of an execute.
"""
from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass, field
from queue import Empty

import zmq
from jupyter_client.manager import KernelManager
from jupyter_client.session import Session

KERNEL_NAME = "tempo"
START_TIMEOUT = 30
TIMEOUT = 30.0


def start_kernel(**kwargs) -> tuple[KernelManager, object]:
    """Start a Tempo kernel and return it with a connected BlockingKernelClient that saw it ready."""
    km = KernelManager(kernel_name=KERNEL_NAME)
    km.start_kernel(**kwargs)
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=START_TIMEOUT)
    except Exception:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        raise
    return km, kc


def stop_kernel(km, kc) -> None:
    kc.stop_channels()
    if km.has_kernel:
        km.shutdown_kernel(now=not km.is_alive())


@dataclass
class Run:
    """One request's shell reply and the IOPub messages it caused (busy … idle, statuses left out)."""

    reply: dict
    messages: list[dict] = field(default_factory=list)

    @property
    def content(self) -> dict:
        return self.reply["content"]

    @property
    def status(self) -> str:
        return self.content["status"]

    def of_type(self, msg_type: str) -> list[dict]:
        return [m for m in self.messages if m["msg_type"] == msg_type]

    def stream(self, name: str = "stdout") -> str:
        return "".join(m["content"]["text"] for m in self.of_type("stream") if m["content"]["name"] == name)

    def describe(self) -> str:
        """The whole exchange, for assertion messages."""
        lines = [f"reply: {self.content}"]
        lines += [f"iopub: {m['msg_type']} {m['content']}" for m in self.messages]
        return "\n".join(lines)


ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def plain(text: str) -> str:
    """Text without ANSI colour codes (tracebacks may carry them)."""
    return ANSI.sub("", text)


def shell_reply(kc, msg_id: str, timeout: float = TIMEOUT) -> dict:
    """The shell reply whose parent is msg_id (other replies are skipped)."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no shell reply to {msg_id} within {timeout} s")
        try:
            msg = kc.get_shell_msg(timeout=left)
        except Empty:
            continue
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg


def iopub_until_idle(
    kc, msg_id: str, timeout: float = TIMEOUT, parent_type: str = "execute_request"
) -> list[dict]:
    """IOPub messages whose parent is msg_id, up to its idle status (statuses left out)."""
    deadline = time.monotonic() + timeout
    messages = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no idle for {msg_id} within {timeout} s; saw {messages}")
        try:
            msg = kc.get_iopub_msg(timeout=left)
        except Empty:
            continue
        parent = msg["parent_header"]
        if parent.get("msg_id") != msg_id or parent.get("msg_type") != parent_type:
            continue
        if msg["msg_type"] == "status":
            if msg["content"]["execution_state"] == "idle":
                return messages
            continue
        messages.append(msg)


def finish(kc, msg_id: str, timeout: float = TIMEOUT) -> Run:
    reply = shell_reply(kc, msg_id, timeout)
    return Run(reply, iopub_until_idle(kc, msg_id, timeout))


def execute(kc, code: str, timeout: float = TIMEOUT, **kwargs) -> Run:
    """Run code and wait for both its execute_reply and its idle status."""
    return finish(kc, kc.execute(code, **kwargs), timeout)


def drain_iopub(kc, quiet: float = 0.2) -> list[dict]:
    """Read IOPub until it has been quiet for `quiet` seconds."""
    seen = []
    while True:
        try:
            seen.append(kc.get_iopub_msg(timeout=quiet))
        except Empty:
            return seen


def wait_until_running(kc, msg_id: str, timeout: float = 10.0) -> None:
    """Wait for the execute_input of msg_id, so the cell is known to have started."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            msg = kc.get_iopub_msg(timeout=0.5)
        except Empty:
            continue
        if msg["msg_type"] == "execute_input" and msg["parent_header"].get("msg_id") == msg_id:
            return
    raise TimeoutError(f"{msg_id} did not start within {timeout} s")


def endpoint(km, channel: str) -> str:
    info = km.get_connection_info()
    port = info[f"{channel}_port"]
    if info["transport"] == "ipc":
        return f"ipc://{info['ip']}-{port}"
    return f"tcp://{info['ip']}:{port}"


class RawSocket:
    """A ZeroMQ socket of our own on one of the kernel's channels, with a Session to sign with.

    `key` is the signing key; pass a wrong one to forge messages."""

    def __init__(self, km, channel: str, key: bytes, socket_type: int = zmq.DEALER):
        self.context = zmq.Context()
        self.socket = self.context.socket(socket_type)
        self.socket.linger = 0
        if socket_type == zmq.DEALER:
            self.socket.identity = f"raw-{uuid.uuid4().hex[:8]}".encode()
        self.socket.connect(endpoint(km, channel))
        self.session = Session(key=key, signature_scheme=km.session.signature_scheme, username="raw")

    def send(self, msg_type: str, content: dict) -> str:
        msg = self.session.send(self.socket, msg_type, content)
        return msg["header"]["msg_id"]

    def send_frames(self, frames: list[bytes]) -> None:
        self.socket.send_multipart(frames)

    def serialize(self, msg_type: str, content: dict) -> tuple[str, list[bytes]]:
        """The wire frames of a message signed with this socket's key (not sent)."""
        msg = self.session.msg(msg_type, content)
        return msg["header"]["msg_id"], self.session.serialize(msg)

    def recv_frames(self, timeout: float) -> list[bytes] | None:
        """The next message's raw frames, or None after `timeout` seconds."""
        if not self.socket.poll(int(timeout * 1000)):
            return None
        return self.socket.recv_multipart()

    def recv(self, timeout: float) -> dict | None:
        """The next message, checked and parsed with this socket's key, or None after `timeout` seconds."""
        frames = self.recv_frames(timeout)
        if frames is None:
            return None
        _, msg_frames = self.session.feed_identities(frames)
        return self.session.deserialize(msg_frames, content=True, copy=True)

    def close(self) -> None:
        self.socket.close(linger=0)
        self.context.term()


def execute_content(code: str, **overrides) -> dict:
    content = {
        "code": code,
        "silent": False,
        "store_history": True,
        "user_expressions": {},
        "allow_stdin": False,
        "stop_on_error": True,
    }
    content.update(overrides)
    return content
