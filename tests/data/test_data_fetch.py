"""`esc data fetch esconv` against a local HTTP server on 127.0.0.1: never the network."""

from __future__ import annotations

import hashlib
import http.server
import os
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from testkit import EscRunner, require_data

from esc_cli.data import fetch
from esc_cli.data.fetch import ESCONV_FILES, FetchError, RemoteFile, fetch_files


class Server:
    """Serves `root` and counts the requests it answered."""

    def __init__(self, root: Path) -> None:
        self.requests: list[str] = []
        outer = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                outer.requests.append(self.path)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(root)))
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _blob(data: bytes) -> str:
    return hashlib.sha1(f"blob {len(data)}\0".encode() + data).hexdigest()


FILES = {
    "ESConv.json": b'[{"dialog": [{"speaker": "seeker", "annotation": {}, "content": "hi"}]}]\n',
    "FailedESConv.json": b'[{"dialog": [{"speaker": "speaker", "annotation": {}, "content": "hi"}]}]\n',
    "LICENSE": b"Attribution-NonCommercial 4.0 International (fixture)\n",
}


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    root = tmp_path / "upstream"
    root.mkdir()
    for name, data in FILES.items():
        (root / name).write_bytes(data)
    manifest = (
        RemoteFile("ESConv.json", git_blob=_blob(FILES["ESConv.json"])),
        RemoteFile("FailedESConv.json", sha256=hashlib.sha256(FILES["FailedESConv.json"]).hexdigest()),
        RemoteFile("LICENSE", sha256=hashlib.sha256(FILES["LICENSE"]).hexdigest()),
    )
    monkeypatch.setattr(fetch, "ESCONV_FILES", manifest)
    monkeypatch.delenv(fetch.URL_VARIABLE, raising=False)
    server = Server(root)
    yield server
    server.close()


def test_fetch_downloads_verifies_and_prints_the_licence(
    esc: EscRunner, served: Server, tmp_path: Path
) -> None:
    target = tmp_path / "data"
    result = esc("data", "fetch", "esconv", "--dir", str(target), "--url", served.url)
    assert result.code == 0, result.err
    for name, data in FILES.items():
        assert (target / name).read_bytes() == data
        assert f"downloaded {target / name} ({len(data)} bytes)" in result.out
    assert "licence: ESConv and FailedESConv" in result.out and "CC BY-NC 4.0" in result.out
    assert sorted(p.name for p in target.iterdir()) == sorted(FILES)  # no partial files
    again = esc("data", "fetch", "esconv", "--dir", str(target), "--url", served.url)
    assert again.code == 0 and again.out.count("present") == 3
    assert len(served.requests) == 3


def test_url_from_the_environment(
    esc: EscRunner, served: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(fetch.URL_VARIABLE, served.url)
    assert esc("data", "fetch", "esconv", "--dir", str(tmp_path / "d")).code == 0
    assert served.requests


def test_checksum_mismatch_keeps_nothing(esc: EscRunner, served: Server, tmp_path: Path) -> None:
    (tmp_path / "upstream" / "FailedESConv.json").write_bytes(b"[]\n")
    target = tmp_path / "data"
    result = esc("data", "fetch", "esconv", "--dir", str(target), "--url", served.url)
    assert result.code == 2
    assert result.err.startswith(f"error: {served.url}/FailedESConv.json: checksum mismatch")
    assert result.err.count("\n") == 1
    assert sorted(p.name for p in target.iterdir()) == ["ESConv.json"]


def test_missing_file_upstream(esc: EscRunner, served: Server, tmp_path: Path) -> None:
    (tmp_path / "upstream" / "LICENSE").unlink()
    result = esc("data", "fetch", "esconv", "--dir", str(tmp_path / "data"), "--url", served.url)
    assert result.code == 2
    assert f"cannot fetch {served.url}/LICENSE: HTTP 404" in result.err


def test_a_dir_that_cannot_be_made_is_one_line_before_any_download(
    esc: EscRunner, served: Server, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    result = esc("data", "fetch", "esconv", "--dir", str(blocker / "data"), "--url", served.url)
    assert result.code == 2
    assert result.err.startswith(f"error: {blocker / 'data'}: cannot be used as the data folder")
    assert result.err.count("\n") == 1
    assert served.requests == []


def test_a_folder_in_the_place_of_a_file_is_one_line(esc: EscRunner, served: Server, tmp_path: Path) -> None:
    target = tmp_path / "data"
    (target / "LICENSE").mkdir(parents=True)
    result = esc("data", "fetch", "esconv", "--dir", str(target), "--url", served.url)
    assert result.code == 2
    assert result.err.startswith(f"error: {target / 'LICENSE'}: cannot write:")
    assert result.err.count("\n") == 1
    assert sorted(p.name for p in target.iterdir()) == ["ESConv.json", "FailedESConv.json", "LICENSE"]


def test_offline_is_one_line_that_says_where_to_put_the_files(esc: EscRunner, tmp_path: Path) -> None:
    server = Server(tmp_path)
    url = server.url
    server.close()  # nothing listens there any more: the same as having no network
    target = tmp_path / "data"
    result = esc("data", "fetch", "esconv", "--dir", str(target), "--url", url)
    assert result.code == 2
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    assert result.err.startswith(f"error: cannot reach {url}/ESConv.json: ")
    assert result.err.endswith(
        "(offline? download ESConv.json, FailedESConv.json by hand from "
        f"https://github.com/thu-coai/Emotional-Support-Conversation and put them in {target}/)\n"
    )


def test_only_http_urls(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="only http and https URLs"):
        fetch_files(tmp_path, url="file:///etc")


def test_the_real_manifest_matches_the_shared_copies(tmp_path: Path) -> None:
    """The known hashes fit the files in $ESC_DATA, served (not copied) from their read-only folder."""
    esconv = require_data() / "esconv"
    known = [f for f in ESCONV_FILES if (esconv / f.name).is_file()]
    splits = {f"hf_splits/{s}.jsonl" for s in ("train", "valid", "test")}
    assert {f.name for f in known} == {"FailedESConv.json", "strategy.json", "LICENSE", *splits}
    server = Server(esconv)
    try:
        done = fetch_files(tmp_path, url=server.url, files=known)
    finally:
        server.close()
    assert [d.status for d in done] == ["downloaded"] * 6
    assert os.stat(tmp_path / "FailedESConv.json").st_size == 911614
    assert os.stat(tmp_path / "hf_splits" / "train.jsonl").st_size == 4037146


def test_split_files_come_from_their_own_pinned_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(fetch.URL_VARIABLE, raising=False)
    upstream = tmp_path / "upstream" / "esconv_data"
    upstream.mkdir(parents=True)
    data = b'{"dialog": []}\n'
    (upstream / "train.json").write_bytes(data)
    server = Server(tmp_path / "upstream")
    remote = RemoteFile(
        "hf_splits/train.jsonl",
        sha256=hashlib.sha256(data).hexdigest(),
        url=f"{server.url}/esconv_data/train.json",
    )
    try:
        (done,) = fetch_files(tmp_path / "data", files=[remote])
    finally:
        server.close()
    assert done.status == "downloaded" and server.requests == ["/esconv_data/train.json"]
    assert (tmp_path / "data" / "hf_splits" / "train.jsonl").read_bytes() == data
    real = [f for f in ESCONV_FILES if f.name.startswith("hf_splits/")]
    assert len(real) == 3
    assert all(
        f.url.startswith(f"https://raw.githubusercontent.com/Dantoro/project_therapy/{fetch.SPLITS_COMMIT}/")
        for f in real
    )
