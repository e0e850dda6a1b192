"""Generate a synthetic vault of realistic tickets and KB entries, for benchmarks.

    python bench/make_vault.py OUT_DIR --tickets 20000 --kb 2000
"""

from __future__ import annotations

import argparse
import random
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

TEAM = ["alice", "bob", "carol", "dev"]
CATEGORIES = ["access", "hardware", "network", "software", "printing", "request"]
KB_FOLDERS = ["Access", "Hardware", "Network", "Software", "FAQ"]
CHANNELS = ["email", "phone", "walk-in", "portal", "chat", "alert", "technician"]
WORDS = ["printer", "vpn", "laptop", "dock", "outlook", "password", "mfa", "wifi", "switch",
         "license", "install", "monitor", "backup", "share", "drive", "update", "reboot",
         "profile", "token", "browser", "scanner", "keyboard"]


def team_yml() -> str:
    lines = ["technicians:"]
    for index, handle in enumerate(TEAM):
        level = ["senior", "L2", "L1", "L1"][index]
        lines += [f"  - handle: {handle}", f"    name: {handle.title()} Example",
                  f"    email: {handle}@example.org", f"    level: {level}",
                  "    skills: [access, network, hardware]", "    capacity: 50", "    active: true"]
    return "\n".join(lines) + "\n"


def kb_entry(number: int, rng: random.Random) -> tuple[str, str]:
    folder = KB_FOLDERS[number % len(KB_FOLDERS)]
    words = " ".join(rng.choices(WORDS, k=4))
    text = f"""---
id: KB-OPS-{number:04d}
title: Fix {words}
category: {folder}
last_updated: 2026-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}
tags: [{rng.choice(WORDS)}, {rng.choice(WORDS)}]
aliases: [Guide {number}]
---
# Fix {words}

## Symptoms
The {words} stops working after the morning update. Users see an error dialog.

## Resolution Steps
1. Confirm the {rng.choice(WORDS)} is connected and powered.
2. Restart the service and sign in again.
3. If it persists, see [[KB-OPS-{max(1, number - 1):04d}]].

## Root Cause
A stale cached {rng.choice(WORDS)} setting.

## Escalation Path
L2 support, then the vendor.

## Prevention
Keep drivers and clients current.
"""
    return f"kb/{folder}/KB-OPS-{number:04d}-fix.md", text


# With `years`, tickets are opened over that many years before this moment, and those older
# than a month are closed, as on a desk that has run for years.
END = datetime(2026, 12, 1, 8, tzinfo=ZoneInfo("America/Chicago"))
STILL_OPEN_DAYS = 30


def ticket(number: int, kb_count: int, rng: random.Random,
           years: float | None = None) -> tuple[str, str]:
    zone = ZoneInfo("America/Chicago")
    if years is None:
        opened = datetime(2026, 1, 1, 8, tzinfo=zone) + timedelta(
            minutes=rng.randint(0, 460_000))
    else:
        opened = END - timedelta(minutes=rng.randint(0, int(years * 365.25 * 24 * 60)))
    ticket_id = f"T-{opened:%Y%m%d}-" + _base36(number).rjust(4, "0")
    status = rng.choice(["new", "open", "in-progress", "resolved", "closed", "closed", "closed"])
    if years is not None and END - opened > timedelta(days=STILL_OPEN_DAYS):
        status = "closed"
    assignee = "" if status == "new" else f"assignee: {rng.choice(TEAM)}\n"
    kb = rng.randint(1, kb_count)
    # A resolved ticket says what fixed it (`check` requires it); no random draw, so the rest
    # of the vault is what it was.
    closure = "resolution: Restarted the service.\n" if status == "resolved" else ""
    if status == "closed":
        closure = (f"resolution: Restarted the {rng.choice(WORDS)}.\nroot_cause: unknown\n"
                   f"user_confirmed: {(opened + timedelta(hours=5)).isoformat()}\n"
                   f"satisfaction: {rng.randint(3, 5)}\n")
        if years is not None:
            closure += (f"resolved: {(opened + timedelta(hours=4)).isoformat()}\n"
                        f"closed: {(opened + timedelta(hours=6)).isoformat()}\n")
    words = " ".join(rng.choices(WORDS, k=5))
    log = "".join(
        f"- {(opened + timedelta(minutes=20 * i)):%Y-%m-%d %H:%M} · {rng.choice(TEAM)} · "
        f"Checked the {rng.choice(WORDS)}; see [[KB-OPS-{kb:04d}]].\n"
        for i in range(1 if status == "new" else rng.randint(2, 5)))
    text = f"""---
id: {ticket_id}
title: {words.capitalize()}
status: {status}
priority: P{rng.randint(1, 4)}
category: {rng.choice(CATEGORIES)}
opened: {opened.isoformat()}
channel: {rng.choice(CHANNELS)}
requester:
  name: User {number}
  email: user{number}@example.org
  department: Billing
device:
  name: LT-{number:05d}
  os: Windows 11
{assignee}tags: [{rng.choice(WORDS)}]
related: ["[[KB-OPS-{kb:04d}]]"]
{closure}---
The user reports that the {words} fails since this morning. They tried restarting.

## Log
{log}"""
    return f"tickets/{ticket_id}-{rng.choice(WORDS)}.md", text


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, remainder = divmod(number, 36)
        out = digits[remainder] + out
        if number == 0:
            return out


def make_vault(root: Path, tickets: int, kb: int, seed: int = 7,
               years: float | None = None) -> None:
    rng = random.Random(seed)
    files = {"vault/team.yml": team_yml(),
             "vault/opsvault.yml": "time_zone: America/Chicago\nkb:\n  stale_after_days: 3650\n"}
    files.update(kb_entry(n, rng) for n in range(1, kb + 1))
    files.update(ticket(n, kb, rng, years) for n in range(1, tickets + 1))
    for rel_path, text in files.items():
        path = root / rel_path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--tickets", type=int, default=20_000)
    parser.add_argument("--kb", type=int, default=2_000)
    args = parser.parse_args()
    make_vault(args.out, args.tickets, args.kb)


if __name__ == "__main__":
    main()
