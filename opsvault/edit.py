"""Edits that lose nothing: change a few front-matter keys, append a Log line, write atomically.

Only the bytes of the keys being changed and the appended Log line differ afterwards; comments,
key order, quoting style, line endings (CRLF), a BOM, the body and the presence or absence of a
trailing newline stay exactly as they were. Keys are located by the YAML parser's marks (the
same front-matter fences as `files.parse_source`), so a value is never found by guessing.

Writes go to a temporary file in the same folder and replace the original with `os.replace`;
just before the replace the original is read again, and when it no longer holds the bytes the
edit started from, the write is refused (`FileChangedError`) instead of losing the other change.
opsvault's own updating commands also hold the vault's write lock (`vault_lock`) from reading
the vault to committing, so two of them never interleave: the second waits for the first.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from .files import parse_source
from .model import CACHE_DIR, find_log_heading, log_section_end, prepare_cache_folder

if TYPE_CHECKING:  # imported when a lock is taken: filelock brings asyncio (15 ms at start-up)
    from filelock import FileLock

BOM = b"\xef\xbb\xbf"


class EditError(Exception):
    """The file cannot be edited safely (no front matter, YAML that does not parse, …)."""


class FileChangedError(EditError):
    """The file changed on disk between reading it and writing the edit."""


class LockedError(EditError):
    """Another opsvault command held the vault's write lock for too long."""


LOCK_PATH = f"{CACHE_DIR}/write.lock"
LOCK_WAIT_SECONDS = 60.0
TEMPORARY_PREFIX = ".opsvault-"
# Folders a command writes into: where a killed command can have left a temporary file.
_WRITTEN_FOLDERS = ("tickets", "sops", "vault")


def vault_lock(root: Path, wait: float = LOCK_WAIT_SECONDS) -> FileLock:
    """Take the vault's write lock (waiting up to `wait` seconds); release it when done.

    Under the lock no other opsvault command writes, so temporary files that a killed command
    left behind are removed here.
    """
    from filelock import FileLock, Timeout

    lock_path = root / LOCK_PATH
    try:
        prepare_cache_folder(lock_path.parent)
        lock = FileLock(lock_path, timeout=wait)
        lock.acquire(poll_interval=0.005)
    except Timeout:
        raise LockedError(f"another opsvault command has been updating {root} for over "
                          f"{wait:g} s; try again when it has finished (lock: {lock_path})"
                          ) from None
    except OSError as exc:
        raise EditError(f"cannot take the write lock {lock_path}: {exc.strerror or exc}") from None
    folders = [root / name for name in _WRITTEN_FOLDERS]
    folders += [p for p in (root / "kb").glob("*/") if p.is_dir()]
    for folder in folders:
        for leftover in folder.glob(TEMPORARY_PREFIX + "*"):
            leftover.unlink(missing_ok=True)
    return lock


def _os_error(path: Path, exc: OSError) -> EditError:
    """A failed write as one line: which file and why (read-only folder, full disk, …)."""
    return EditError(f"cannot write {path}: {exc.strerror or exc}; nothing was changed")


# --- serialising one value ------------------------------------------------------------------

class _Dumper(yaml.SafeDumper):
    """Dumps values the way the vault's files are written by hand."""

    def choose_scalar_style(self) -> str:
        # Where quotes are needed, double quotes, as in `related: ["[[KB-OPS-002]]"]`.
        style: str = super().choose_scalar_style()
        return '"' if style == "'" else style


def _represent_datetime(dumper: yaml.SafeDumper, value: datetime) -> yaml.ScalarNode:
    # PyYAML writes "2026-11-18 09:12:00-06:00"; the vault (and ISO 8601) uses a "T".
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # A multi-line string in double quotes stays on one line ("a\nb").
    style = '"' if "\n" in value or "\r" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


class _Field(dict):  # type: ignore[type-arg]
    """The one `key: value` pair being written; always block style, unlike its value."""


def _represent_field(dumper: yaml.SafeDumper, value: _Field) -> yaml.MappingNode:
    return dumper.represent_mapping("tag:yaml.org,2002:map", value.items(), flow_style=False)


_Dumper.add_representer(datetime, _represent_datetime)
_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(_Field, _represent_field)


def dump_field(key: str, value: Any) -> str:
    """`key: value` as YAML lines joined by "\\n", without a final newline.

    Lists and mappings of plain values use flow style (`tags: [vpn, mtu]`), as the vault does.
    """
    text = yaml.dump(_Field({key: value}), Dumper=_Dumper, default_flow_style=None, sort_keys=False,
                     allow_unicode=True, width=1_000_000)
    return text.rstrip("\n")


# --- locating keys --------------------------------------------------------------------------

@dataclass(frozen=True)
class _FrontMatter:
    start: int  # index in the text where the YAML starts (after the opening fence line)
    end: int  # index of the closing fence line
    entries: Mapping[str, tuple[yaml.Node, yaml.Node]]  # key → (key node, value node); last wins


def _front_matter(text: str) -> _FrontMatter:
    source, problems = parse_source("<edit>", text)
    if source is None or not source.has_front_matter:
        reason = problems[0].message if problems else "the file has no front matter"
        raise EditError(f"cannot edit the front matter: {reason}")
    start, end = source.front_matter_span
    try:
        node = yaml.compose(text[start:end], Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:  # pragma: no cover - parse_source already read it
        raise EditError(f"cannot edit the front matter: {exc}") from None
    if node is None:
        return _FrontMatter(start, end, {})
    if not isinstance(node, yaml.MappingNode) or node.flow_style:
        raise EditError("the front matter is not 'key: value' lines; edit it by hand")
    entries = {str(key.value): (key, value) for key, value in node.value}
    for key, value in entries.values():
        if value.start_mark.index < key.end_mark.index:
            raise EditError(f"'{key.value}' is a YAML alias; edit it by hand")
    return _FrontMatter(start, end, entries)


def _content_end(node: yaml.Node, yaml_text: str) -> int:
    """Index just after the last character of a value (not its trailing comments or blanks)."""
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and not node.flow_style \
            and node.value:
        last = node.value[-1]
        return _content_end(last[1] if isinstance(last, tuple) else last, yaml_text)
    end = node.end_mark.index
    if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
        while end > node.start_mark.index and yaml_text[end - 1] in " \t\r\n":
            end -= 1
    return end


def newline_of(text: str) -> str:
    """The line ending the file uses ("\\r\\n" or "\\n"), judged by its first line."""
    first = text.find("\n")
    return "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _line_end(text: str, index: int) -> int:
    """Index just after the line break of the line holding `index` (or the end of the text)."""
    found = text.find("\n", index)
    return len(text) if found == -1 else found + 1


# --- edits on text --------------------------------------------------------------------------

def set_field(text: str, key: str, value: Any) -> str:
    """Set one top-level front-matter key, appending it to the front matter when missing."""
    layout = _front_matter(text)
    newline = newline_of(text)
    line = dump_field(key, value)
    if key not in layout.entries:
        return text[:layout.end] + line.replace("\n", newline) + newline + text[layout.end:]
    key_node, value_node = layout.entries[key]
    yaml_text = text[layout.start:layout.end]
    start = layout.start + value_node.start_mark.index
    end = layout.start + _content_end(value_node, yaml_text)
    on_key_line = value_node.start_mark.line == key_node.start_mark.line
    one_line = value_node.end_mark.line == value_node.start_mark.line and \
        getattr(value_node, "style", None) not in ("|", ">")
    prefix = f"{key}: "
    if on_key_line and one_line and "\n" not in line and line.startswith(prefix):
        # Replace just the value: the key's spacing and a trailing comment stay.
        new_value = line[len(prefix):]
        if start == end:  # `key:` with no value: the mark sits right after the colon
            new_value = " " + new_value
        return text[:start] + new_value + text[end:]
    line_start = layout.start + _line_start(yaml_text, key_node.start_mark.index)
    return text[:line_start] + line.replace("\n", newline) + text[end:]


def remove_field(text: str, key: str) -> str:
    """Remove one top-level key with its value (and a comment on its last line)."""
    layout = _front_matter(text)
    if key not in layout.entries:
        return text
    key_node, value_node = layout.entries[key]
    yaml_text = text[layout.start:layout.end]
    start = layout.start + _line_start(yaml_text, key_node.start_mark.index)
    end = layout.start + _line_end(yaml_text, _content_end(value_node, yaml_text))
    return text[:start] + text[min(end, layout.end):]


def edit_fields(text: str, values: Mapping[str, Any]) -> str:
    """Set several keys in order; a value of None removes the key."""
    for key, value in values.items():
        text = remove_field(text, key) if value is None else set_field(text, key, value)
    return text


def _insert_line(text: str, index: int, line: str, newline: str) -> str:
    """Insert a whole line at a line start, keeping a missing final newline missing."""
    if index == len(text) and text and not text.endswith("\n"):
        return text + newline + line
    return text[:index] + line + newline + text[index:]


def append_log(text: str, line: str) -> str:
    """Add a line at the end of the `## Log` section, creating the section when missing."""
    newline = newline_of(text)
    body_start = _body_start(text)
    heading = find_log_heading(text, body_start)
    if heading is None:
        if not text.endswith("\n"):  # keep the missing final newline missing
            return text + newline + newline + "## Log" + newline + line
        blank = "" if text.endswith(newline + newline) else newline
        return text + blank + "## Log" + newline + line + newline
    if heading.end() == len(text):  # the heading is the last line, without a line break
        return text + newline + line
    insert_at = heading.end() + 1
    position = insert_at
    section_end = log_section_end(text, insert_at)
    while position < section_end:
        end = _line_end(text, position)
        current = text[position:end]
        if current.strip():
            insert_at = end
        position = end
    return _insert_line(text, insert_at, line, newline)


def set_description(text: str, description: str) -> str:
    """Replace the body before `## Log` (the ticket's description), keeping the Log."""
    newline = newline_of(text)
    body_start = _body_start(text)
    heading = find_log_heading(text, body_start)
    described = newline.join(description.strip().splitlines()) + newline
    if heading is None:
        return text[:body_start] + described + newline + "## Log" + newline
    return text[:body_start] + described + newline + text[heading.start():]


def set_section(text: str, heading: str, content: str) -> str:
    """Replace what is under `## heading` (up to the next level 1–2 heading), or append it."""
    newline = newline_of(text)
    lines = newline.join(content.strip().splitlines()) + newline
    pattern = re.compile(rf"^##[ \t]+{re.escape(heading)}[ \t#]*\r?$", re.MULTILINE)
    found = pattern.search(text, _body_start(text))
    if found is None:
        ending = "" if text.endswith("\n") else newline
        return text + ending + newline + f"## {heading}" + newline + lines
    start = _line_end(text, found.end())
    following = log_section_end(text, start)
    if following == len(text):
        return text[:start] + lines
    return text[:start] + lines + newline + text[following:]


def _body_start(text: str) -> int:
    source, _ = parse_source("<edit>", text)
    if source is None or not source.has_front_matter:
        return 0
    return _line_end(text, source.front_matter_span[1])


# --- files ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Snapshot:
    """A file's bytes as read before an edit; the write is refused if they changed meanwhile."""

    path: Path
    data: bytes

    @property
    def has_bom(self) -> bool:
        return self.data.startswith(BOM)

    @property
    def text(self) -> str:
        return self.data[len(BOM) if self.has_bom else 0:].decode("utf-8")

    def encode(self, text: str) -> bytes:
        """New text as bytes for this file, with its BOM if it had one."""
        return (BOM if self.has_bom else b"") + text.encode("utf-8")


def read_snapshot(path: Path) -> Snapshot:
    try:
        data = current_bytes(path)
        snapshot = Snapshot(path, data)
        snapshot.text  # noqa: B018 - fail now on a file that is not UTF-8
    except (OSError, UnicodeDecodeError) as exc:
        raise EditError(f"cannot read {path}: {exc}") from None
    return snapshot


def current_bytes(path: Path) -> bytes:
    """The file's bytes now (a seam for tests that change the file mid-command)."""
    return path.read_bytes()


def write_text(snapshot: Snapshot, text: str) -> None:
    """Replace the file atomically with `text`, unless it changed since `snapshot` was read."""
    path = snapshot.path
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=TEMPORARY_PREFIX,
                                             suffix=".tmp")
    except OSError as exc:
        raise _os_error(path, exc) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(snapshot.encode(text))
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, stat.S_IMODE(path.stat().st_mode))
        if current_bytes(path) != snapshot.data:
            raise FileChangedError(f"{path} changed on disk while this command ran; nothing was "
                                   "written. Run the command again on the new version.")
        os.replace(temporary, path)
    except BaseException as exc:
        if os.path.exists(temporary):
            os.unlink(temporary)
        if isinstance(exc, OSError):
            raise _os_error(path, exc) from None
        raise


def create_file(destination: Path, data: bytes | str) -> None:
    """Write a new file atomically; fail (FileExistsError) rather than replace an existing one."""
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=destination.parent, prefix=TEMPORARY_PREFIX)
    except OSError as exc:
        raise _os_error(destination, exc) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(temporary, 0o666 & ~_umask())
        os.link(temporary, destination)  # link() refuses to replace an existing file
    except FileExistsError:
        raise
    except OSError as exc:
        raise _os_error(destination, exc) from None
    finally:
        os.unlink(temporary)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
