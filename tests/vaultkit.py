"""Builders for real vaults (and git repositories) in temporary folders, shared by the tests."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Mapping
from pathlib import Path

from click.testing import CliRunner, Result

from opsvault.cli import main

TEAM = """\
technicians:
  - handle: alice
    name: Alice Moreno
    email: alice@example.org
    level: senior
    skills: [access, network]
    capacity: 8
    active: true
  - handle: bob
    name: Bob Okafor
    level: L1
    skills: [hardware, printing]
    capacity: 6
"""

TICKET = """\
---
id: T-20261118-q7mz
title: VPN drops every 10 minutes
status: in-progress
priority: P2
category: network
opened: 2026-11-18T09:12:00-06:00
channel: email
requester:
  name: Priya Shah
  email: priya@example.org
assignee: alice
related: ["[[KB-OPS-001]]"]
first_response: 2026-11-18T09:20:00-06:00
---
The VPN disconnects every ten minutes since the ISP change.

## Log
- 2026-11-18 09:20 · alice · Acknowledged; asked for the client log.
- 2026-11-18 11:02 · alice · See [[KB-OPS-001#Resolution Steps|the VPN guide]].
"""

CLOSED_TICKET = """\
---
id: T-20261110-ab12
title: Printer jams on tray 2
status: closed
priority: P4
category: printing
opened: 2026-11-10T08:00:00-06:00
assignee: bob
resolution: Replaced the tray 2 pickup roller.
root_cause: Worn pickup roller
user_confirmed: 2026-11-11T09:00:00-06:00
resolved: 2026-11-10T15:00:00-06:00
closed: 2026-11-11T09:30:00-06:00
satisfaction: 5
---
Tray 2 jams on every second page.

## Log
- 2026-11-10 09:00 · bob · Replaced the roller.
"""

KB_ENTRY = """\
---
id: KB-OPS-001
title: VPN drops for remote staff
category: Network
last_updated: 2026-10-01
tags: [vpn]
aliases: [VPN guide]
script: scripts/python/check_vpn.py
---
# VPN drops for remote staff

## Symptoms
The VPN client disconnects every few minutes.

## Resolution Steps
1. Lower the MTU to 1400.

## Root Cause
MTU mismatch after an ISP change.

## Escalation Path
Network team.

## Prevention
Test VPN after ISP changes.
"""

SOP = """\
---
id: SOP-001
title: Password Reset
owner: alice
review_every: 180d
---
# Password Reset

## Steps
1. Verify identity.
2. Reset with the tool.
"""

SCRIPT = """\
#!/usr/bin/env python3
# Purpose: check the VPN MTU.
# Usage: check_vpn.py HOST
# KB: KB-OPS-001
print("ok")
"""

SETTINGS = "time_zone: America/Chicago\nholidays: [2026-11-26, 2026-11-27]\n"

BASE_FILES: Mapping[str, str] = {
    "vault/opsvault.yml": SETTINGS,
    "vault/team.yml": TEAM,
    "tickets/T-20261118-q7mz-vpn-drops.md": TICKET,
    "tickets/T-20261110-ab12.md": CLOSED_TICKET,
    "kb/Network/KB-OPS-001-vpn-drops.md": KB_ENTRY,
    "sops/SOP-001-password-reset.md": SOP,
    "scripts/python/check_vpn.py": SCRIPT,
}


def write_vault(root: Path, files: Mapping[str, str | bytes | None] | None = None,
                base: bool = True) -> Path:
    """A vault at `root`: the valid base files, then `files` (None deletes a base file)."""
    merged: dict[str, str | bytes | None] = dict(BASE_FILES) if base else {}
    merged.update(files or {})
    for rel_path, content in merged.items():
        path = root / rel_path
        if content is None:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content) if content.startswith("\n") else content,
                            encoding="utf-8", newline="")
    return root


def run_cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def check_json(root: Path, *args: str) -> tuple[int, list[dict[str, object]]]:
    """Run `opsvault check --format json` and return (exit code, findings)."""
    result = run_cli("check", "--vault", str(root), "--format", "json", "--as-of",
                     "2026-11-25", *args)
    return result.exit_code, json.loads(result.stdout)["findings"]
