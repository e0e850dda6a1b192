#!/usr/bin/env python3
"""Verify that the newest backup of each target is recent enough.

Purpose: Check backup freshness on NAS01 / backup shares; fail loudly when a job stopped.
Usage: backup_verify.py [--max-age 26h] [--pattern '*.tar.gz'] [--json] [--now ISO] TARGET...
KB: KB-OPS-009

A TARGET is a directory (files matching --pattern directly inside it), a single file,
or a glob such as '/mnt/nas01/backups/*/pms-*.tar.gz'. The newest file of each target
is found by the timestamp in its name when there is one (backup-2026-11-24T0300.tar.gz,
pms_20261124-0300.bak, sql-2026-11-24.bak), otherwise by its modification time.
Timestamps in file names carry no zone and are read as local time.

Exit codes: 0 all targets fresh, 1 at least one stale, 2 a target is missing or empty
(or the command line is wrong).
"""

from __future__ import annotations

import argparse
import datetime as dt
import glob
import json
import re
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

EXIT_OK, EXIT_STALE, EXIT_MISSING = 0, 1, 2

_AGE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([mhd])\s*$", re.IGNORECASE)
_AGE_UNITS = {"m": 60, "h": 3600, "d": 86400}

# 2026-11-24T0300, 2026-11-24_03-00-15, 20261124-030015, 2026-11-24 (date only)
_NAME_TS_RE = re.compile(
    r"(?<!\d)(\d{4})-?(\d{2})-?(\d{2})"
    r"(?:[T_\- ]?(\d{2})[:\-]?(\d{2})(?:[:\-]?(\d{2}))?)?(?!\d)"
)


@dataclass(frozen=True)
class TargetResult:
    target: str
    status: str  # ok | stale | missing
    newest: str | None
    timestamp: str | None
    timestamp_source: str | None  # name | mtime
    age_seconds: int | None
    message: str


def parse_max_age(text: str) -> dt.timedelta:
    """Parse '90m', '26h' or '7d' into a timedelta."""
    match = _AGE_RE.match(text)
    if not match:
        raise argparse.ArgumentTypeError(
            f"invalid age {text!r}: use a number followed by m, h or d (e.g. 26h)"
        )
    seconds = float(match.group(1)) * _AGE_UNITS[match.group(2).lower()]
    if seconds <= 0:
        raise argparse.ArgumentTypeError(f"invalid age {text!r}: must be greater than zero")
    return dt.timedelta(seconds=seconds)


def parse_now(text: str) -> dt.datetime:
    """Parse an ISO 8601 time; a time without offset is local time."""
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"invalid --now {text!r}: {exc}") from None
    return value.astimezone()


def timestamp_from_name(name: str) -> dt.datetime | None:
    """Return the last valid date/time embedded in a file name, as local time."""
    found = None
    for match in _NAME_TS_RE.finditer(name):
        year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
        try:
            found = dt.datetime(year, month, day, hour, minute, second)
        except ValueError:
            continue
    return found.astimezone() if found else None


def backup_time(path: Path) -> tuple[dt.datetime, str]:
    stamp = timestamp_from_name(path.name)
    if stamp is not None:
        return stamp, "name"
    return dt.datetime.fromtimestamp(path.stat().st_mtime).astimezone(), "mtime"


def candidate_files(target: str, pattern: str) -> list[Path]:
    path = Path(target)
    if path.is_dir():
        return [p for p in path.glob(pattern) if p.is_file()]
    if path.is_file():
        return [path]
    if glob.has_magic(target):
        return [Path(p) for p in glob.glob(target) if Path(p).is_file()]
    return []


def format_age(seconds: float) -> str:
    seconds = int(abs(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days}d{hours:02d}h"
    return f"{hours}h{minutes:02d}m"


def format_limit(seconds: float) -> str:
    seconds = int(seconds)
    for unit, size in (("d", 86400), ("h", 3600)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds // 60}m"


def check_target(
    target: str, pattern: str, max_age: dt.timedelta, now: dt.datetime
) -> TargetResult:
    files = candidate_files(target, pattern)
    if not files:
        if Path(target).is_dir():
            why = f"no files matching {pattern!r}"
        elif glob.has_magic(target):
            why = "glob matched no files"
        else:
            why = "does not exist"
        return TargetResult(target, "missing", None, None, None, None, f"MISSING {target}: {why}")

    stamped = [(backup_time(p), p) for p in files]
    (stamp, source), newest = max(stamped, key=lambda item: (item[0][0], item[1].name))
    age = now - stamp
    age_seconds = int(age.total_seconds())
    limit = format_limit(max_age.total_seconds())
    if age > max_age:
        status = "stale"
        message = (
            f"STALE   {target}: newest {newest.name} is {format_age(age_seconds)} old (max {limit})"
        )
    else:
        status = "ok"
        when = "in the future, check the clock" if age_seconds < 0 else "old"
        age_text = format_age(age_seconds)
        message = f"OK      {target}: newest {newest.name} is {age_text} {when} (max {limit})"
    return TargetResult(
        target,
        status,
        str(newest),
        stamp.isoformat(timespec="seconds"),
        source,
        age_seconds,
        message,
    )


def exit_code(results: list[TargetResult]) -> int:
    statuses = {r.status for r in results}
    if "missing" in statuses:
        return EXIT_MISSING
    if "stale" in statuses:
        return EXIT_STALE
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Verify that the newest backup of each target is younger than --max-age.",
        epilog="Example: backup_verify.py --max-age 26h --pattern '*.tar.gz' /mnt/nas01/backups",
    )
    parser.add_argument(
        "targets", nargs="+", metavar="TARGET", help="backup directory, file or glob"
    )
    parser.add_argument(
        "--max-age",
        type=parse_max_age,
        default=parse_max_age("26h"),
        help="oldest acceptable backup age, e.g. 90m, 26h, 8d (default: 26h)",
    )
    parser.add_argument(
        "--pattern", default="*", help="file pattern inside directory targets (default: *)"
    )
    parser.add_argument(
        "--json", action="store_true", help="print a JSON report instead of text lines"
    )
    parser.add_argument(
        "--now",
        type=parse_now,
        default=None,
        help="pretend the current time is this ISO 8601 time (for testing)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    now = args.now or dt.datetime.now().astimezone()
    results = [check_target(t, args.pattern, args.max_age, now) for t in args.targets]
    code = exit_code(results)
    if args.json:
        report = {
            "now": now.isoformat(timespec="seconds"),
            "max_age_seconds": int(args.max_age.total_seconds()),
            "exit_code": code,
            "ok": code == EXIT_OK,
            "targets": [asdict(r) for r in results],
        }
        print(json.dumps(report, indent=2))
    else:
        for result in results:
            print(result.message)
    return code


if __name__ == "__main__":
    sys.exit(main())
