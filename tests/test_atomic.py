"""Exports are atomic: a killed export never leaves a truncated file at the target."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pyoxigraph as ox
import pytest

from spinekg.atomic import atomic_write


def test_atomic_write_keeps_the_old_file_when_the_writer_fails(tmp_path):
    target = tmp_path / "out.ttl"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_write(target) as handle:
        handle.write(b"half of a new fi")
        raise RuntimeError("boom")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"]


def _big_source(path, n=150_000):
    with path.open("w") as handle:
        for i in range(n):
            handle.write(f'<http://example.org/s{i}> <http://www.w3.org/2000/01/rdf-schema#label> "label {i}"@en .\n')


def _kill_while_writing(proc, folder, after: float) -> bool:
    """Wait until the export starts writing (a new file, or the target changed), wait ``after`` s, SIGKILL."""
    before = {p.name: p.stat().st_size for p in folder.iterdir()}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if {p.name: p.stat().st_size for p in folder.iterdir()} != before:
            time.sleep(after)
            os.kill(proc.pid, signal.SIGKILL)
            return True
        time.sleep(0.005)
    return False


@pytest.mark.parametrize("after", [0.0, 0.05, 0.2])
def test_killed_export_leaves_the_target_whole(tmp_path, after):
    source = tmp_path / "big.nt"
    _big_source(source)
    out = tmp_path / "out"
    out.mkdir()
    target = out / "export.ttl"
    target.write_text("# previous export\n")
    proc = subprocess.Popen([sys.executable, "-m", "spinekg", "export", "--load", str(source), "-o", str(target)])
    killed = _kill_while_writing(proc, out, after)
    proc.wait()
    assert killed, "the export finished before it could be interrupted"
    text = target.read_bytes()
    if text != b"# previous export\n":  # the rename came before the kill: then the file is the whole export
        reference = tmp_path / "reference.ttl"
        subprocess.run([sys.executable, "-m", "spinekg", "export", "--load", str(source), "-o", str(reference)], check=True)
        assert len(ox.Dataset(ox.parse(text, format=ox.RdfFormat.TURTLE))) == len(
            ox.Dataset(ox.parse(reference.read_bytes(), format=ox.RdfFormat.TURTLE))
        )


def test_export_files_get_ordinary_permissions(tmp_path):
    target = tmp_path / "x.txt"
    with atomic_write(target) as handle:
        handle.write(b"x")
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask
