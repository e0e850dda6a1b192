"""Loading a vault: what each file is, and typed values read from front matter."""

from __future__ import annotations

from pathlib import Path

import pytest
from vaultkit import KB_ENTRY, TICKET, check_json, write_vault

from opsvault.files import parse_source
from opsvault.model import classify, load_vault

T = "tickets/T-20261118-q7mz-vpn-drops.md"


@pytest.mark.parametrize(("path", "kind"), [
    ("tickets/T-20261118-q7mz.md", "ticket"),
    ("tickets/attachments/T-20261118-q7mz/screenshot.png", "attachment"),
    ("tickets/attachments/T-20261118-q7mz/notes.md", "attachment"),
    ("kb/Network/KB-OPS-001-vpn.md", "kb"),
    ("kb/Network/vpn-diagram.png", "attachment"),
    ("sops/SOP-001-onboarding.md", "sop"),
    ("vault/index.md", "page"),
    ("vault/templates/ticket.md", ""),
    ("vault/opsvault.yml", ""),
    ("vault/assets/logo.png", "attachment"),
])
def test_each_file_is_classified(path: str, kind: str) -> None:
    assert classify(path) == kind


def test_embedded_image_resolves_to_an_attachment(tmp_path: Path) -> None:
    write_vault(tmp_path, {"kb/Network/KB-OPS-001-vpn-drops.md": KB_ENTRY + "\n![[vpn.png]]\n",
                           "kb/Network/vpn.png": b"\x89PNG\r\n\x1a\n"})
    assert check_json(tmp_path, "--strict") == (0, [])


def test_ticket_values_are_typed_and_aliases_normalised(tmp_path: Path) -> None:
    ticket = TICKET.replace("priority: P2", "priority: High").replace("category: network",
                                                                      "category: wifi")
    write_vault(tmp_path, {T: ticket})
    loaded = load_vault(tmp_path).ticket("T-20261118-q7mz")
    assert loaded is not None
    assert (loaded.priority, loaded.category, loaded.status) == ("P2", "network", "in-progress")
    assert loaded.opened is not None and loaded.opened.utcoffset().total_seconds() == -6 * 3600
    assert [(e.author, e.line, e.time.hour) for e in loaded.log] == [("alice", 19, 9),
                                                                    ("alice", 20, 11)]


def test_symlink_to_a_file_outside_the_vault_is_reported_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("password: Summer2024!\n")
    root = write_vault(tmp_path / "vault")
    (root / "kb/Network/leak.md").symlink_to(outside)
    exit_code, findings = check_json(root)
    assert exit_code == 1
    assert [(f["path"], f["code"]) for f in findings] == [("kb/Network/leak.md",
                                                           "link-outside-vault")]


def test_log_section_runs_to_the_next_level_two_heading(tmp_path: Path) -> None:
    body = "\n#vpn\n### Detail\n- 2026-11-18 12:00 · alice · After a tag line.\n\n## Notes\n" \
           "- 2026-11-18 13:00 · alice · Not a Log entry.\n"
    write_vault(tmp_path, {T: TICKET + body})
    loaded = load_vault(tmp_path).ticket("T-20261118-q7mz")
    assert loaded is not None
    assert [entry.text for entry in loaded.log] == [
        "Acknowledged; asked for the client log.",
        "See [[KB-OPS-001#Resolution Steps|the VPN guide]].", "After a tag line."]


@pytest.mark.parametrize("text", [
    "---\nid: KB-1\ntitle: A\n---\n# A\n\nBody line.\n",
    "---\r\nid: KB-1\r\n---\r\nBody with CRLF.\r\n",
    "---\nid: KB-1\n---",  # no line after the closing fence
    "---\nid: KB-1\n---\n",  # an empty body
    "No front matter at all.\nSecond line.\n",
])
def test_a_source_gives_back_its_exact_text_from_head_and_body(text: str) -> None:
    source, problems = parse_source("kb/x.md", text)
    assert source is not None and not problems
    assert source.text == text
    assert source.head + source.body == text
    assert text.count("\n", 0, len(source.head)) + 1 == source.body_line or not source.body
