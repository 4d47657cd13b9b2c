"""Drive a real headless Chromium over the DevTools protocol, with a stdlib-only websocket client.

Enough of RFC 6455 for one local connection: a client handshake, masked text frames out, unmasked
frames in (with continuation frames, pings and close). The browser runs with a fresh profile and
everything that could reach the network switched off.
"""

from __future__ import annotations

import base64
import json
import os
import queue
import re
import shutil
import socket
import struct
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--remote-debugging-port=0",
)


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


class WebSocket:
    """A minimal blocking websocket client for a local DevTools endpoint."""

    def __init__(self, url: str, timeout: float = 30.0) -> None:
        parts = urlparse(url)
        self.sock = socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or 80), timeout=timeout
        )
        key = base64.b64encode(os.urandom(16)).decode()
        request = (
            f"GET {parts.path} HTTP/1.1\r\nHost: {parts.hostname}:{parts.port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        self.sock.sendall(request.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("websocket handshake: connection closed")
            head += chunk
        status, _, self.buffer = head.partition(b"\r\n\r\n")
        if b" 101 " not in status.split(b"\r\n", 1)[0]:
            raise ConnectionError(f"websocket handshake refused: {status[:200]!r}")

    def send(self, text: str) -> None:
        payload = text.encode()
        size = len(payload)
        header = bytes([0x81])
        if size < 126:
            header += bytes([0x80 | size])
        elif size < 1 << 16:
            header += bytes([0x80 | 126]) + struct.pack("!H", size)
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", size)
        mask = os.urandom(4)
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def _read(self, count: int) -> bytes:
        while len(self.buffer) < count:
            chunk = self.sock.recv(max(65536, count - len(self.buffer)))
            if not chunk:
                raise ConnectionError("websocket closed")
            self.buffer += chunk
        out, self.buffer = self.buffer[:count], self.buffer[count:]
        return out

    def receive(self) -> str:
        message = b""
        while True:
            first, second = self._read(2)
            size = second & 0x7F
            if size == 126:
                size = struct.unpack("!H", self._read(2))[0]
            elif size == 127:
                size = struct.unpack("!Q", self._read(8))[0]
            payload = self._read(size)
            opcode = first & 0x0F
            if opcode == 0x8:
                raise ConnectionError("websocket closed by the browser")
            if opcode == 0x9:  # ping: answer with a pong carrying the same payload
                mask = os.urandom(4)
                masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
                self.sock.sendall(bytes([0x8A, 0x80 | len(payload)]) + mask + masked)
                continue
            message += payload
            if first & 0x80:
                return message.decode()

    def close(self) -> None:
        self.sock.close()


class Page:
    """One tab, attached through a flat session; events are kept for the test to inspect."""

    def __init__(self, ws: WebSocket, session: str) -> None:
        self.ws = ws
        self.session = session
        self.events: list[dict[str, Any]] = []
        self._next = 100

    def call(self, method: str, timeout: float = 30.0, **params: Any) -> dict[str, Any]:
        self._next += 1
        ident = self._next
        self.ws.send(json.dumps({"id": ident, "sessionId": self.session, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = json.loads(self.ws.receive())
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result
            if "method" in message:
                self.events.append(message)
        raise TimeoutError(method)

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"evaluate failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def problems(self) -> list[str]:
        """Console errors and warnings, uncaught exceptions and browser log errors seen so far."""
        found = []
        for event in self.events:
            params = event.get("params", {})
            if event["method"] == "Runtime.consoleAPICalled" and params.get("type") in (
                "error",
                "warning",
                "assert",
            ):
                found.append(f"console.{params['type']}: {params.get('args')}")
            elif event["method"] == "Runtime.exceptionThrown":
                found.append(f"exception: {params.get('exceptionDetails')}")
            elif event["method"] == "Log.entryAdded" and params["entry"]["level"] in ("error", "warning"):
                entry = params["entry"]
                found.append(f"log {entry['level']}: {entry.get('text')} {entry.get('url', '')}".rstrip())
        return found

    def requests(self) -> list[str]:
        return [
            e["params"]["request"]["url"] for e in self.events if e["method"] == "Network.requestWillBeSent"
        ]


@contextmanager
def open_page(url: str, *, width: int = 1280, height: int = 900, binary: str | None = None) -> Iterator[Page]:
    """Launch Chromium, open `url` in a fresh tab with console, log and network events on, and yield it."""
    browser = binary or find_chromium()
    if browser is None:
        raise FileNotFoundError("chromium")
    # Helper processes may still be writing into the profile for a moment after the browser exits.
    with tempfile.TemporaryDirectory(prefix="esc-chromium-", ignore_cleanup_errors=True) as profile:
        process = subprocess.Popen(
            [
                browser,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            ws = WebSocket(_devtools_url(process))
            try:
                yield _attach(ws, url, width, height)
            finally:
                _close_browser(ws)
        finally:
            _stop(process)


def _close_browser(ws: WebSocket) -> None:
    """Ask the browser to quit cleanly, so it flushes and releases its profile."""
    with suppress(OSError):  # ConnectionError included: the browser may hang up before it replies
        ws.sock.settimeout(5)
        ws.send(json.dumps({"id": 0, "method": "Browser.close"}))
        while json.loads(ws.receive()).get("id") != 0:
            pass
    ws.close()


def _stop(process: subprocess.Popen[str]) -> None:
    try:
        process.wait(timeout=10)
        return
    except subprocess.TimeoutExpired:
        process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _devtools_url(process: subprocess.Popen[str], timeout: float = 30.0) -> str:
    """Read the endpoint from stderr, then keep draining stderr so the browser never blocks on it."""
    assert process.stderr is not None
    stream = process.stderr
    found: queue.Queue[str] = queue.Queue()

    def drain() -> None:
        for line in stream:
            match = re.search(r"DevTools listening on (ws://\S+)", line)
            if match:
                found.put(match.group(1))
        found.put("")

    threading.Thread(target=drain, daemon=True).start()
    try:
        url = found.get(timeout=timeout)
    except queue.Empty:
        url = ""
    if not url:
        raise RuntimeError(f"chromium did not start its DevTools endpoint (exit code {process.poll()})")
    return url


def _attach(ws: WebSocket, url: str, width: int, height: int) -> Page:
    ws.send(json.dumps({"id": 1, "method": "Target.createTarget", "params": {"url": "about:blank"}}))
    target = _reply(ws, 1)["targetId"]
    ws.send(
        json.dumps(
            {"id": 2, "method": "Target.attachToTarget", "params": {"targetId": target, "flatten": True}}
        )
    )
    page = Page(ws, _reply(ws, 2)["sessionId"])
    for domain in ("Runtime", "Log", "Page", "Network"):
        page.call(f"{domain}.enable")
    page.call(
        "Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False
    )
    page.events.clear()
    page.call("Page.navigate", url=url)
    deadline = time.monotonic() + 30
    while page.evaluate("location.href + ' ' + document.readyState") != f"{url} complete":
        if time.monotonic() > deadline:
            raise TimeoutError(f"page did not load: {url}")
        time.sleep(0.05)
    return page


def _reply(ws: WebSocket, ident: int) -> dict[str, Any]:
    while True:
        message = json.loads(ws.receive())
        if message.get("id") == ident:
            result: dict[str, Any] = message["result"]
            return result


def screenshot(page: Page, path: Path, *, full_page: bool = True) -> Path:
    params: dict[str, Any] = {"format": "png", "captureBeyondViewport": full_page}
    if full_page:
        metrics = page.call("Page.getLayoutMetrics")["cssContentSize"]
        params["clip"] = {"x": 0, "y": 0, "width": metrics["width"], "height": metrics["height"], "scale": 1}
    data = page.call("Page.captureScreenshot", timeout=60, **params)["data"]
    path.write_bytes(base64.b64decode(data))
    return path
