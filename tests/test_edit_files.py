"""Writes are atomic, keep the BOM and file mode, and refuse when the file changed meanwhile."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from opsvault import edit
from opsvault.edit import BOM, FileChangedError, create_file, read_snapshot, write_text

TEXT = "---\nid: T-1\nstatus: new\n---\nbody\n"


def test_write_replaces_the_file_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "T-1.md"
    path.write_text(TEXT)
    write_text(read_snapshot(path), TEXT.replace("new", "open"))
    assert path.read_text() == TEXT.replace("new", "open")
    assert [p.name for p in tmp_path.iterdir()] == ["T-1.md"]


def test_a_byte_order_mark_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "T-1.md"
    path.write_bytes(BOM + TEXT.encode())
    snapshot = read_snapshot(path)
    assert snapshot.text == TEXT
    write_text(snapshot, snapshot.text.replace("new", "open"))
    assert path.read_bytes() == BOM + TEXT.replace("new", "open").encode()


def test_the_file_mode_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "T-1.md"
    path.write_text(TEXT)
    path.chmod(0o640)
    write_text(read_snapshot(path), TEXT + "more\n")
    assert path.stat().st_mode & 0o777 == 0o640


def test_a_file_changed_after_reading_is_not_overwritten(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "T-1.md"
    path.write_text(TEXT)
    snapshot = read_snapshot(path)
    real_read = edit.current_bytes

    def someone_else_saves_first(target: Path) -> bytes:
        target.write_text(TEXT + "their line\n")
        return real_read(target)

    monkeypatch.setattr(edit, "current_bytes", someone_else_saves_first)
    with pytest.raises(FileChangedError, match="changed on disk"):
        write_text(snapshot, TEXT + "my line\n")
    assert path.read_text() == TEXT + "their line\n"
    assert [p.name for p in tmp_path.iterdir()] == ["T-1.md"]


def test_create_file_never_replaces_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "tickets" / "T-1.md"
    create_file(path, TEXT)
    assert path.read_text() == TEXT
    assert path.stat().st_mode & 0o777 == 0o666 & ~_umask()
    with pytest.raises(FileExistsError):
        create_file(path, "other")
    assert path.read_text() == TEXT
    assert sorted(p.name for p in path.parent.iterdir()) == ["T-1.md"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
