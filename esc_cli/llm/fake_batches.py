"""The fake server's batch APIs: Anthropic Message Batches and the OpenAI Batch API (with its files).

Enough of both wire formats for the official SDKs to create a batch, poll it, and read its results:

    anthropic  POST /v1/messages/batches            {"requests": [{"custom_id", "params"}]}
               GET  /v1/messages/batches/{id}        processing_status in_progress -> ended
               GET  /v1/messages/batches/{id}/results  JSONL of {"custom_id", "result": {"type": ...}}
    openai     POST /v1/files (multipart, purpose=batch)  a JSONL of {"custom_id", "method", "url", "body"}
               POST /v1/batches                      {"input_file_id", "endpoint", "completion_window"}
               GET  /v1/batches/{id}                 status in_progress -> completed (or expired)
               GET  /v1/files/{id}/content           the output file and the error file, JSONL

Every request of a batch is answered when the batch is created (by the server's reply function), and
the batch ends `delay` seconds later. Faults are queued per request (`errored`: a 500 the client may
retry; `invalid`: a 400 it must not; `expired`: never processed) and per batch (`expire`: the whole
batch expires unprocessed), so partial failures and expiry can be tested.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.parser import BytesParser
from typing import Any, Literal

from esc_cli.llm.fake_wire import Wire, error_body

RequestFault = Literal["ok", "errored", "invalid", "expired"]
Answer = Callable[[Wire, dict[str, Any]], dict[str, Any]]
"""Answers one request body of a batch with the reply body a single call would get."""

DAY = 24 * 3600


def _iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class FakeBatch:
    id: str
    wire: Wire
    created: float
    ends: float
    entries: list[tuple[str, dict[str, Any]]]
    outcomes: dict[str, tuple[RequestFault, dict[str, Any] | None]] = field(default_factory=dict)
    expired: bool = False
    input_file_id: str = ""
    output_file_id: str | None = None
    error_file_id: str | None = None

    def ended(self, now: float) -> bool:
        return now >= self.ends


@dataclass
class HttpReply:
    """What the handler sends: a status and a JSON body, or raw bytes."""

    status: int
    body: Any = None
    raw: bytes | None = None


class BatchStore:
    """All batches and files of one fake server. Thread-safe; the handler threads share it."""

    def __init__(self, answer: Answer, *, delay: float = 0.0) -> None:
        self.answer = answer
        self.delay = delay
        self.batches: dict[str, FakeBatch] = {}
        self.files: dict[str, bytes] = {}
        self.created = 0
        self.batched_requests = 0
        self.polls = 0
        self._request_faults: deque[RequestFault] = deque()
        self._expire_batches = 0
        self._lock = threading.Lock()
        self._number = 0

    # -- control ---------------------------------------------------------------------------------

    def add_request_faults(self, faults: Iterable[RequestFault]) -> None:
        """Faults for the next batched requests, one each, in the order the batches list them."""
        with self._lock:
            self._request_faults.extend(faults)

    def expire_next(self, batches: int = 1) -> None:
        """The next `batches` batches expire without processing any request."""
        with self._lock:
            self._expire_batches += batches

    def stats(self) -> dict[str, int]:
        with self._lock:
            return {"batches": self.created, "batched_requests": self.batched_requests, "polls": self.polls}

    # -- routes ----------------------------------------------------------------------------------

    def post(
        self, path: str, body: dict[str, Any] | None, raw: bytes, content_type: str, host: str
    ) -> HttpReply | None:
        if path == "/v1/messages/batches":
            return self._create("anthropic", self._anthropic_entries(body), host)
        if path in ("/v1/files", "/files"):
            return self._upload(raw, content_type)
        if path in ("/v1/batches", "/batches"):
            return self._create_openai(body or {}, host)
        return None

    def get(self, path: str, host: str) -> HttpReply | None:
        parts = [p for p in path.split("?", 1)[0].split("/") if p]
        if parts[:1] == ["v1"]:
            parts = parts[1:]
        if (len(parts) == 3 and parts[0] == "messages") or (len(parts) == 2 and parts[0] == "batches"):
            with self._lock:
                self.polls += 1
        if parts[:2] == ["messages", "batches"] and len(parts) in (3, 4):
            batch = self.batches.get(parts[2])
            if batch is None or batch.wire != "anthropic":
                return HttpReply(404, error_body("anthropic", 404, f"no batch {parts[2]}"))
            if len(parts) == 3:
                return HttpReply(200, self._anthropic_batch(batch, host))
            if parts[3] == "results":
                return self._anthropic_results(batch)
        if parts[:1] == ["batches"] and len(parts) == 2:
            batch = self.batches.get(parts[1])
            if batch is None or batch.wire != "openai":
                return HttpReply(404, error_body("openai", 404, f"no batch {parts[1]}"))
            return HttpReply(200, self._openai_batch(batch))
        if parts[:1] == ["files"] and len(parts) == 3 and parts[2] == "content":
            data = self.files.get(parts[1])
            if data is None:
                return HttpReply(404, error_body("openai", 404, f"no file {parts[1]}"))
            return HttpReply(200, raw=data)
        return None

    # -- creating --------------------------------------------------------------------------------

    def _next_id(self, prefix: str) -> str:
        self._number += 1
        return f"{prefix}{self._number:06d}"

    @staticmethod
    def _anthropic_entries(body: dict[str, Any] | None) -> list[tuple[str, dict[str, Any]]] | str:
        requests = (body or {}).get("requests")
        if not isinstance(requests, list) or not requests:
            return "requests must be a non-empty list"
        entries: list[tuple[str, dict[str, Any]]] = []
        for item in requests:
            if not isinstance(item, dict) or not isinstance(item.get("params"), dict):
                return "each request needs custom_id and params"
            entries.append((str(item.get("custom_id", "")), item["params"]))
        return entries

    def _create(self, wire: Wire, entries: list[tuple[str, dict[str, Any]]] | str, host: str) -> HttpReply:
        if isinstance(entries, str):
            return HttpReply(400, error_body(wire, 400, entries))
        ids = [custom_id for custom_id, _ in entries]
        if len(set(ids)) != len(ids) or not all(ids):
            return HttpReply(400, error_body(wire, 400, "custom_id values must be unique and non-empty"))
        now = time.time()
        with self._lock:
            batch = FakeBatch(
                id=self._next_id("msgbatch_fake" if wire == "anthropic" else "batch_fake"),
                wire=wire,
                created=now,
                ends=now + self.delay,
                entries=entries,
            )
            if self._expire_batches:
                self._expire_batches -= 1
                batch.expired = True
            faults = [self._request_faults.popleft() if self._request_faults else "ok" for _ in entries]
            self.created += 1
            self.batched_requests += len(entries)
            self.batches[batch.id] = batch
        for (custom_id, params), fault in zip(entries, faults, strict=True):
            if batch.expired:
                fault = "expired"
            reply = self.answer(wire, params) if fault == "ok" else None
            batch.outcomes[custom_id] = (fault, reply)
        if wire == "anthropic":
            return HttpReply(200, self._anthropic_batch(batch, host))
        return HttpReply(200, self._openai_batch(batch))

    def _upload(self, raw: bytes, content_type: str) -> HttpReply:
        message = BytesParser().parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw)
        fields: dict[str, bytes] = {}
        for part in message.walk():
            name = part.get_param("name", header="content-disposition")
            if isinstance(name, str):
                payload = part.get_payload(decode=True)
                fields[name] = payload if isinstance(payload, bytes) else b""
        if "file" not in fields:
            return HttpReply(400, error_body("openai", 400, "multipart body has no file part"))
        with self._lock:
            file_id = self._next_id("file-fake")
            self.files[file_id] = fields["file"]
        return HttpReply(
            200,
            {
                "id": file_id,
                "object": "file",
                "bytes": len(fields["file"]),
                "created_at": int(time.time()),
                "filename": "batch.jsonl",
                "purpose": fields.get("purpose", b"batch").decode(),
                "status": "processed",
            },
        )

    def _create_openai(self, body: dict[str, Any], host: str) -> HttpReply:
        data = self.files.get(str(body.get("input_file_id", "")))
        if data is None:
            return HttpReply(404, error_body("openai", 404, f"no file {body.get('input_file_id')}"))
        if body.get("endpoint") != "/v1/chat/completions":
            return HttpReply(400, error_body("openai", 400, "the fake server batches /v1/chat/completions"))
        entries: list[tuple[str, dict[str, Any]]] = []
        for line in data.decode("utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                entries.append((str(item.get("custom_id", "")), item.get("body") or {}))
        models = {params.get("model") for _, params in entries}
        if len(models) > 1:
            return HttpReply(400, error_body("openai", 400, "a batch may use one model only"))
        reply = self._create("openai", entries, host)
        if reply.status == 200:
            self.batches[reply.body["id"]].input_file_id = str(body["input_file_id"])
            reply.body["input_file_id"] = body["input_file_id"]
        return reply

    # -- reading ---------------------------------------------------------------------------------

    def _counts(self, batch: FakeBatch) -> dict[str, int]:
        counts = {"succeeded": 0, "errored": 0, "expired": 0}
        for fault, _ in batch.outcomes.values():
            counts["succeeded" if fault == "ok" else "expired" if fault == "expired" else "errored"] += 1
        return counts

    def _anthropic_batch(self, batch: FakeBatch, host: str) -> dict[str, Any]:
        now = time.time()
        ended = batch.ended(now)
        counts = self._counts(batch) if ended else {"succeeded": 0, "errored": 0, "expired": 0}
        return {
            "id": batch.id,
            "type": "message_batch",
            "processing_status": "ended" if ended else "in_progress",
            "request_counts": {
                "processing": 0 if ended else len(batch.entries),
                "canceled": 0,
                **counts,
            },
            "created_at": _iso(batch.created),
            "expires_at": _iso(batch.created + DAY),
            "ended_at": _iso(batch.ends) if ended else None,
            "archived_at": None,
            "cancel_initiated_at": None,
            "results_url": f"http://{host}/v1/messages/batches/{batch.id}/results" if ended else None,
        }

    def _anthropic_results(self, batch: FakeBatch) -> HttpReply:
        if not batch.ended(time.time()):
            return HttpReply(400, error_body("anthropic", 400, "the batch is still processing"))
        lines = []
        for custom_id, _ in batch.entries:
            fault, reply = batch.outcomes[custom_id]
            result: dict[str, Any]
            if fault == "ok":
                result = {"type": "succeeded", "message": reply}
            elif fault == "expired":
                result = {"type": "expired"}
            else:
                status = 500 if fault == "errored" else 400
                result = {"type": "errored", "error": error_body("anthropic", status, f"injected {fault}")}
            lines.append(json.dumps({"custom_id": custom_id, "result": result}))
        return HttpReply(200, raw=("\n".join(lines) + "\n").encode())

    def _openai_batch(self, batch: FakeBatch) -> dict[str, Any]:
        now = time.time()
        ended = batch.ended(now)
        with self._lock:
            if ended and batch.output_file_id is None and batch.error_file_id is None:
                self._write_openai_files(batch)
        counts = self._counts(batch)
        status = "in_progress"
        if ended:
            status = "expired" if batch.expired else "completed"
        done = counts["succeeded"] if ended else 0
        return {
            "id": batch.id,
            "object": "batch",
            "endpoint": "/v1/chat/completions",
            "errors": None,
            "input_file_id": batch.input_file_id,
            "completion_window": "24h",
            "status": status,
            "output_file_id": batch.output_file_id,
            "error_file_id": batch.error_file_id,
            "created_at": int(batch.created),
            "in_progress_at": int(batch.created),
            "expires_at": int(batch.created + DAY),
            "completed_at": int(batch.ends) if ended and not batch.expired else None,
            "expired_at": int(batch.ends) if ended and batch.expired else None,
            "request_counts": {
                "total": len(batch.entries),
                "completed": done,
                "failed": (len(batch.entries) - done) if ended else 0,
            },
            "metadata": None,
        }

    def _write_openai_files(self, batch: FakeBatch) -> None:
        """The output file (successes) and the error file (the rest), as the Batch API writes them."""
        output: list[str] = []
        errors: list[str] = []
        for number, (custom_id, _) in enumerate(batch.entries):
            fault, reply = batch.outcomes[custom_id]
            line: dict[str, Any] = {"id": f"batch_req_{batch.id}_{number}", "custom_id": custom_id}
            if fault == "ok":
                line["response"] = {"status_code": 200, "request_id": f"req_{number}", "body": reply}
                line["error"] = None
                output.append(json.dumps(line))
            elif fault == "expired":
                line["response"] = None
                line["error"] = {
                    "code": "batch_expired",
                    "message": "the batch expired before this request ran",
                }
                errors.append(json.dumps(line))
            else:
                status = 500 if fault == "errored" else 400
                line["response"] = {
                    "status_code": status,
                    "request_id": f"req_{number}",
                    "body": error_body("openai", status, f"injected {fault}"),
                }
                line["error"] = None
                errors.append(json.dumps(line))
        if output:
            batch.output_file_id = self._next_id("file-fake")
            self.files[batch.output_file_id] = ("\n".join(output) + "\n").encode()
        if errors:
            batch.error_file_id = self._next_id("file-fake")
            self.files[batch.error_file_id] = ("\n".join(errors) + "\n").encode()
