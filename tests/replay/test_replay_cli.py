"""Bad input to `crawler replay` / `crawler wacz`: one line naming the fix, exit 2, no traceback."""

from __future__ import annotations

import socket

import pytest

from crawler.replay.server import check_port_free
from tests.replay.conftest import make_archive
from tests.replay.replayhelp import run_cli
from tests.replay.warcs import sample_pages


def _assert_one_line_error(result, *needles: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0]


@pytest.mark.parametrize("command", ["replay", "wacz"])
def test_missing_archive_folder(tmp_path, command):
    result = run_cli(command, "--archive-dir", str(tmp_path / "nope"))
    _assert_one_line_error(result, "does not exist", "--archive-dir")


@pytest.mark.parametrize("command", ["replay", "wacz"])
def test_archive_folder_without_warcs(tmp_path, command):
    (tmp_path / "warc").mkdir()
    (tmp_path / "warc" / "x-20260101000000-00000-h-1.warc.gz.open").write_bytes(b"")
    result = run_cli(command, "--archive-dir", str(tmp_path))
    _assert_one_line_error(result, "no closed WARC files", "crawl first")


def test_replay_port_in_use(tmp_path):
    make_archive(tmp_path / "a", sample_pages()[:1], store=False)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_cli("replay", "--archive-dir", str(tmp_path / "a"), "--port", str(port))
    _assert_one_line_error(result, f"port {port}", "already in use", "--port")


def test_port_with_only_closed_connections_is_free():
    """A replay restarted right after Ctrl-C: its old connections in TIME_WAIT are no obstacle."""
    with socket.socket() as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as pywb's server does
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port)) as client:
            conn, _ = server.accept()
            conn.close()  # the server closes first: its side of the port goes to TIME_WAIT
            client.recv(1)
    check_port_free("127.0.0.1", port)


def test_replay_bad_port_number(tmp_path):
    make_archive(tmp_path / "a", sample_pages()[:1], store=False)
    result = run_cli("replay", "--archive-dir", str(tmp_path / "a"), "--port", "70000")
    _assert_one_line_error(result, "70000", "1-65535")


def test_wacz_output_must_be_wacz(tmp_path):
    make_archive(tmp_path / "a", sample_pages()[:1], store=False)
    target = tmp_path / "out.zip"
    result = run_cli("wacz", "--archive-dir", str(tmp_path / "a"), "-o", str(target))
    _assert_one_line_error(result, "must end in .wacz")
    assert not target.exists()


def test_wacz_output_name_too_long(tmp_path):
    make_archive(tmp_path / "a", sample_pages()[:1], store=False)
    target = tmp_path / ("x" * 300 + ".wacz")
    result = run_cli("wacz", "--archive-dir", str(tmp_path / "a"), "-o", str(target))
    _assert_one_line_error(result, "could not write", "-o")
