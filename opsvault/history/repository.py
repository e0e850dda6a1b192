"""Git access for the history stage: one streaming `git log`, one persistent blob reader.

History is read in a single pass: `git log --raw -z` names, for every commit, each changed
path with its blob before and after, so no commit needs a diff of its own. The blobs are read
through one long-running `git cat-file --batch` process, requested in batches so that git and
Python never wait on each other object by object. git is run as a plain process (GitPython's
own import costs more than a whole update of the history after one new commit).
"""

from __future__ import annotations

import os
import queue
import subprocess
import tempfile
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

# How far the reader thread may run ahead of the parser.
_CHUNK_BYTES = 1 << 20
_READ_AHEAD_CHUNKS = 64
# Each commit starts with this byte, which git never writes into the fields around it.
_RECORD = "\x1e"
_FORMAT = "%x1e%H%x00%P%x00%aN%x00%aE%x00%aI%x00%cI%x00%B"
_HEADER_FIELDS = 7
# Git options that would change what `git log` prints: set them to what the parser expects.
_CONFIG = ("log.showRoot=true", "log.showSignature=false", "diff.noprefix=false",
           "core.quotePath=false", "diff.relative=false")
# Requests of 41 bytes each stay well inside a 64 KiB pipe, so writing a batch never blocks
# while cat-file waits for its answers to be read.
_BATCH = 1000
NULL_SHA = "0" * 40


@dataclass(frozen=True, slots=True)
class RawChange:
    """One changed path of a commit, as `git log --raw` reports it."""

    status: str  # A M D R T (C); a merge's combined diff has one letter per parent
    old_blobs: tuple[str, ...]  # the path's blob in each parent ("" where it did not exist)
    new_blob: str  # "" when the path was deleted
    path: str  # relative to the repository
    old_path: str  # the path before a rename; otherwise the same as `path`

    @property
    def is_merge(self) -> bool:
        return len(self.old_blobs) > 1


@dataclass(frozen=True, slots=True)
class CommitRecord:
    sha: str
    parents: tuple[str, ...]
    author: str
    email: str
    authored: datetime
    committed: datetime
    message: str
    changes: tuple[RawChange, ...]

    @property
    def subject(self) -> str:
        return self.message.split("\n", 1)[0].strip()


class GitError(Exception):
    """git could not do what was asked; `stderr` is what it said."""

    def __init__(self, message: str, stderr: str = "") -> None:
        super().__init__(message)
        self.stderr = stderr


class GitNotFound(GitError):
    """No git executable on PATH."""


def _git_process(arguments: list[str], cwd: Path, **options: Any) -> subprocess.Popen[bytes]:
    try:
        return subprocess.Popen(["git", *arguments], cwd=cwd, **options)
    except FileNotFoundError:
        raise GitNotFound("git is not installed (not on PATH)") from None


def _run_git(cwd: Path, *arguments: str, codes: tuple[int, ...] = (0,)) -> tuple[int, str]:
    """git's exit code (one of `codes`) and output; GitError with what it said otherwise."""
    process = _git_process(list(arguments), cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           stdin=subprocess.DEVNULL)
    out, err = process.communicate()
    if process.returncode not in codes:
        raise GitError(f"git {arguments[0]} failed ({process.returncode})",
                       err.decode("utf-8", "replace"))
    return process.returncode, out.decode("utf-8", "replace")


def _wait(process: subprocess.Popen[bytes], what: str) -> None:
    """Wait for git; GitError with what it said when it failed."""
    err = process.stderr.read() if process.stderr is not None else b""
    if process.wait() != 0:
        raise GitError(f"git {what} failed ({process.returncode})",
                       err.decode("utf-8", "replace"))


class Repository:
    """The git repository a vault lives in."""

    def __init__(self, top: Path, common_dir: Path, vault_root: Path) -> None:
        self.top = top.resolve()
        self.common_dir = common_dir
        relative = vault_root.resolve().relative_to(self.top).as_posix()
        self.prefix = "" if relative == "." else relative + "/"

    @classmethod
    def open(cls, vault_root: Path) -> Repository | None:
        """The repository holding `vault_root`, or None when it is not in one, or in one
        without a working tree. GitError when git cannot read it (dubious ownership, …)."""
        root = vault_root.resolve()
        if "GIT_DIR" not in os.environ and not any(
                os.path.lexists(folder / ".git") for folder in (root, *root.parents)):
            return None
        # Messages in English: "not a git repository" is told apart from git refusing.
        process = _git_process(
            ["rev-parse", "--is-bare-repository", "--git-common-dir", "--show-toplevel"], root,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env={**os.environ, "LC_ALL": "C", "LANGUAGE": "C"})
        out, err = (stream.decode("utf-8", "replace") for stream in process.communicate())
        lines = out.splitlines()
        if process.returncode == 0 and len(lines) == 3 and lines[0] == "false":
            # The common folder may be given relative to where git ran.
            return cls(Path(lines[2]), root / lines[1], vault_root)
        if lines[:1] == ["true"] or "not a git repository" in err or \
                "must be run in a work tree" in err or process.returncode == 0:
            return None
        raise GitError(f"git rev-parse failed ({process.returncode})", err)

    def head(self) -> str | None:
        """The commit HEAD points at; None before the first commit."""
        # From the refs alone: a missing commit object is git log's to report.
        code, out = _run_git(self.top, "rev-parse", "-q", "--verify", "HEAD", codes=(0, 1))
        return out.strip() if code == 0 and out.strip() else None

    def is_ancestor(self, ancestor: str, commit: str) -> bool:
        """Whether `ancestor` is `commit` or one of its ancestors (False if it is unknown)."""
        code, _ = _run_git(self.top, "merge-base", "--is-ancestor", ancestor, commit,
                           codes=(0, 1, 128))
        return code == 0

    def shallow_boundary(self) -> tuple[str, ...]:
        """The commits a shallow clone's history is cut at (none for a full clone)."""
        try:
            return tuple(sorted((self.common_dir / "shallow").read_text().split()))
        except OSError:
            return ()

    def replacements(self) -> str:
        """`git replace` refs, which change what history says without changing HEAD."""
        return _run_git(self.top, "for-each-ref", "--format=%(objectname) %(refname)",
                        "refs/replace/")[1].strip()

    def count_commits(self, head: str, since: str | None = None) -> int:
        """How many commits `log` will read: sized for a progress bar."""
        spec = f"{since}..{head}" if since else head
        return int(_run_git(self.top, "rev-list", "--count", spec, *self._pathspec())[1])

    def commit_time(self, sha: str) -> datetime:
        return datetime.fromisoformat(_run_git(self.top, "show", "-s", "--format=%aI",
                                               sha)[1].strip())

    def _pathspec(self) -> tuple[str, ...]:
        # At the repository root every commit is read: limiting git to a path costs it a tree
        # comparison per commit, and commits that change no ticket may still name one.
        return ("--", self.prefix) if self.prefix else ()

    def log(self, head: str, since: str | None = None) -> Iterator[CommitRecord]:
        """Every commit reachable from `head` but not from `since`, newest first.

        Non-merge commits list their changes against their parent. Merge commits list only
        what they changed themselves (`--cc`: paths that differ from every parent, i.e.
        conflict resolutions), so each change is counted once, in the commit that made it.
        """
        spec = f"{since}..{head}" if since else head
        options = [part for option in _CONFIG for part in ("-c", option)]
        process = _git_process(
            [*options, "log", "--no-color", "--encoding=UTF-8", "--raw", "-z", "--no-abbrev",
             "-M", "--cc", f"--format={_FORMAT}", spec, *self._pathspec()], self.top,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        stop = threading.Event()
        finished = False
        try:
            yield from _parse_log(_chunks(process.stdout, stop))
            finished = True
        finally:
            stop.set()
            try:
                if finished:
                    _wait(process, "log")
                else:  # the reader stopped early: git need not finish
                    process.kill()
                    process.wait()
            finally:
                for stream in (process.stdout, process.stderr):
                    if stream is not None:
                        stream.close()

    def blob_reader(self) -> BlobReader:
        return BlobReader(self.top)


def _widen_pipe(stream: Any) -> bool:
    """Let the pipe hold a megabyte (Linux) instead of 64 KiB, so that git can write ahead
    of us. False where that is not possible."""
    try:
        import fcntl

        fcntl.fcntl(stream.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
        return True
    except (ImportError, OSError, ValueError):
        return False


def _chunks(stream: Any, stop: threading.Event) -> Iterator[str]:
    """Decoded pieces of git's output that end at a NUL, read ahead on a thread.

    The thread keeps git writing while Python parses; reading releases the GIL. Setting
    `stop` lets the thread end although nobody takes its pieces any more.
    """
    _widen_pipe(stream)
    pieces: queue.Queue[bytes | None] = queue.Queue(maxsize=_READ_AHEAD_CHUNKS)

    def put(piece: bytes | None) -> bool:
        while not stop.is_set():
            try:
                pieces.put(piece, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            while (data := stream.read1(_CHUNK_BYTES)) and put(data):
                pass
        except (OSError, ValueError):
            pass  # the stream was closed under us: we are stopping
        finally:
            put(None)

    reader = threading.Thread(target=read, name="opsvault-git-log", daemon=True)
    reader.start()
    pending = b""
    while (data := pieces.get()) is not None:
        pending += data
        end = pending.rfind(b"\x00")
        if end == -1:
            continue
        # A NUL never sits inside a UTF-8 sequence, so cutting there never splits a character.
        yield pending[:end].decode("utf-8", "replace")
        pending = pending[end + 1:]
    reader.join()
    if pending:
        yield pending.decode("utf-8", "replace")


def _parse_log(chunks: Iterable[str]) -> Iterator[CommitRecord]:
    header: list[str] = []
    changes: list[RawChange] = []
    status = ""
    paths: list[str] = []
    wanted_paths = 0
    for chunk in chunks:
        for token in chunk.split("\x00"):
            if len(header) < _HEADER_FIELDS and header:
                header.append(token)
                continue
            if wanted_paths:
                paths.append(token)
                wanted_paths -= 1
                if not wanted_paths:
                    changes.append(_change(status, paths))
                continue
            token = token.lstrip("\n")
            if not token:
                continue
            if token[0] == ":":
                status = token
                letter = token.rsplit(" ", 1)[1][:1]
                wanted_paths = 2 if letter in ("R", "C") else 1
                paths = []
            elif token[0] == _RECORD:
                if header:
                    yield _commit(header, changes)
                header = [token[1:]]
                changes = []
            else:
                raise ValueError(f"unexpected git log output: {token[:80]!r}")
    if header:
        yield _commit(header, changes)


def _change(status_token: str, paths: list[str]) -> RawChange:
    # ":100644 100644 <old> <new> M" or, for a merge, "::100644 100644 100644 <p1> <p2> <new> MM"
    parents = len(status_token) - len(status_token.lstrip(":"))
    fields = status_token.lstrip(":").split(" ")
    shas = fields[parents + 1:2 * parents + 2]
    old = tuple("" if sha == NULL_SHA else sha for sha in shas[:-1])
    new = "" if shas[-1] == NULL_SHA else shas[-1]
    letters = fields[-1]
    status = letters if parents > 1 else letters[:1]
    return RawChange(status, old, new, paths[-1], paths[0])


def _commit(header: list[str], changes: list[RawChange]) -> CommitRecord:
    sha, parents, author, email, authored, committed, message = header
    return CommitRecord(sha, tuple(parents.split()), author, email,
                        datetime.fromisoformat(authored), datetime.fromisoformat(committed),
                        message.rstrip("\n"), tuple(changes))


class BlobReader:
    """File contents by blob id, from one persistent `git cat-file --batch`.

    `send` asks for a batch and `collect` reads the answers, so git can look up the next
    batch while Python parses this one. That needs pipes large enough that neither side can
    block the other; where they cannot be widened, `send` reads the answers at once.
    """

    def __init__(self, top: Path) -> None:
        # What git says goes to a file, not a pipe: nothing reads it until the end, and a
        # full pipe would stop git.
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed by `close`)
        self._process = process = _git_process(
            ["cat-file", "--batch"], top, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self._errors)
        # Requests of 41 bytes for two outstanding batches stay far below a megabyte.
        self._pipelined = _widen_pipe(process.stdout) and _widen_pipe(process.stdin)
        self._output = process.stdout.fileno()
        self._buffer = b""
        self._position = 0
        self._outstanding: deque[tuple[int, list[str]]] = deque()
        self._ready: dict[int, dict[str, bytes | None]] = {}
        self._handles = 0
        self.blobs_read = 0

    def send(self, shas: Iterable[str]) -> int:
        """Ask for blobs; returns the handle to `collect` their contents with."""
        wanted = list(dict.fromkeys(shas))
        self._handles += 1
        if self._pipelined and len(wanted) <= 2 * _BATCH:
            self._request(wanted)
            self._outstanding.append((self._handles, wanted))
        else:
            found: dict[str, bytes | None] = {}
            for start in range(0, len(wanted), _BATCH):
                batch = wanted[start:start + _BATCH]
                self.collect_all()
                self._request(batch)
                found.update(self._answers(batch))
            self._ready[self._handles] = found
        return self._handles

    def collect(self, handle: int) -> dict[str, bytes | None]:
        """The contents of each blob asked for (None for one git does not have)."""
        while handle not in self._ready:
            earlier, batch = self._outstanding.popleft()
            self._ready[earlier] = self._answers(batch)
        return self._ready.pop(handle)

    def collect_all(self) -> None:
        while self._outstanding:
            earlier, batch = self._outstanding.popleft()
            self._ready[earlier] = self._answers(batch)

    def read(self, shas: Iterable[str]) -> dict[str, bytes | None]:
        """Blobs now (after any batch still on its way)."""
        return self.collect(self.send(shas))

    def _request(self, shas: list[str]) -> None:
        stdin = self._process.stdin
        assert stdin is not None
        stdin.write(("\n".join(shas) + "\n").encode("ascii"))
        stdin.flush()

    def _answers(self, shas: list[str]) -> dict[str, bytes | None]:
        found: dict[str, bytes | None] = {}
        for sha in shas:
            header = self._take_line().split()
            if len(header) != 3:  # "<sha> missing"
                found[sha] = None
                continue
            size = int(header[2])
            found[sha] = self._take(size + 1)[:size]
            self.blobs_read += 1
        return found

    # cat-file's answers are read in large pieces: a read per object costs more than the
    # object's own parsing.
    def _fill(self) -> None:
        data = os.read(self._output, 1 << 20)
        if not data:
            raise EOFError("git cat-file stopped answering")
        self._buffer = self._buffer[self._position:] + data
        self._position = 0

    def _take_line(self) -> bytes:
        while (end := self._buffer.find(b"\n", self._position)) == -1:
            self._fill()
        line = self._buffer[self._position:end]
        self._position = end + 1
        return line

    def _take(self, size: int) -> bytes:
        while len(self._buffer) - self._position < size:
            self._fill()
        data = self._buffer[self._position:self._position + size]
        self._position += size
        return data

    def close(self) -> None:
        process = self._process
        if process.stdin is None or process.stdin.closed:
            return
        process.stdin.close()
        stopped_early = bool(self._outstanding)
        if stopped_early:
            # Answers nobody will read (the pass stopped early) would keep git writing.
            process.kill()
        try:
            if process.wait() != 0 and not stopped_early:
                self._errors.seek(0)
                raise GitError(f"git cat-file failed ({process.returncode})",
                               self._errors.read().decode("utf-8", "replace"))
        finally:
            if process.stdout is not None:
                process.stdout.close()
            self._errors.close()
