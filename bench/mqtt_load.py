"""A QoS 1 MQTT publisher that leaves the CPU to the server it loads (the MQTT ``wrk``).

A Python client spends 200-350 µs of CPU per QoS 1 publish on this machine (paho, aiomqtt):
at 5,000 messages/s that is a whole core taken from the gateway being measured. Here every
MQTT 3.1.1 PUBLISH packet is encoded before the clock starts; the timed part is one
``sendall`` per connection and a reader that counts the broker's 4-byte PUBACKs. At most
60,000 messages go over one connection (packet ids are 16 bits and never reused here).
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Sequence

__all__ = ["publish_all"]

_PER_CONNECTION = 60_000


def _remaining_length(size: int) -> bytes:
    """MQTT's variable-length integer."""
    out = bytearray()
    while True:
        byte, size = size % 128, size // 128
        out.append(byte | (0x80 if size else 0))
        if not size:
            return bytes(out)


def _packet(kind: int, body: bytes) -> bytes:
    return bytes([kind]) + _remaining_length(len(body)) + body


def _text(value: str) -> bytes:
    raw = value.encode()
    return struct.pack("!H", len(raw)) + raw


def _connect(client_id: str) -> bytes:
    """CONNECT, MQTT 3.1.1, clean session, keep-alive 60 s."""
    return _packet(
        0x10, _text("MQTT") + bytes([4, 0x02]) + struct.pack("!H", 60) + _text(client_id)
    )


def _publishes(messages: Sequence[tuple[str, bytes]]) -> bytes:
    """QoS 1 PUBLISH packets with packet ids 1, 2, 3 ..."""
    return b"".join(
        _packet(0x32, _text(topic) + struct.pack("!H", index + 1) + payload)
        for index, (topic, payload) in enumerate(messages)
    )


def _session(host: str, port: int, client_id: str, messages: Sequence[tuple[str, bytes]],
             start: threading.Barrier, timeout: float) -> int:  # fmt: skip
    """Send ``messages`` on one connection; return how many the broker acknowledged."""
    data = _publishes(messages)
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(_connect(client_id))
        if sock.recv(4)[:1] != b"\x20":
            raise ConnectionError(f"{client_id}: the broker refused the connection")
        start.wait(timeout)
        acked = 0
        buffer = b""

        def read() -> None:
            nonlocal acked, buffer
            deadline = time.monotonic() + timeout
            while acked < len(messages) and time.monotonic() < deadline:
                chunk = sock.recv(65536)
                if not chunk:
                    return
                buffer += chunk
                whole = len(buffer) // 4  # each PUBACK is 0x40 0x02 and a 2-byte packet id
                acked += whole
                buffer = buffer[whole * 4 :]

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        sock.sendall(data)
        reader.join(timeout)
        sock.sendall(b"\xe0\x00")  # DISCONNECT
        return acked


def publish_all(
    host: str, port: int, messages: Sequence[tuple[str, bytes]], *, timeout: float = 120.0
) -> float:
    """Publish (topic, payload) pairs at QoS 1; return the seconds until all were PUBACKed.

    Raises ConnectionError when the broker acknowledged fewer than were sent.
    """
    chunks = [messages[i : i + _PER_CONNECTION] for i in range(0, len(messages), _PER_CONNECTION)]
    start = threading.Barrier(len(chunks) + 1)
    results: list[int] = [0] * len(chunks)

    def run(index: int) -> None:
        results[index] = _session(host, port, f"bench-load-{index}", chunks[index], start, timeout)

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(len(chunks))]
    for thread in threads:
        thread.start()
    start.wait(timeout)
    began = time.perf_counter()
    for thread in threads:
        thread.join(timeout)
    elapsed = time.perf_counter() - began
    if sum(results) < len(messages):
        raise ConnectionError(f"the broker acknowledged {sum(results)} of {len(messages)}")
    return elapsed
