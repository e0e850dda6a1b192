"""Each check rule, shown on a vault with exactly that one fault: code, path and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from vaultkit import CLOSED_TICKET, KB_ENTRY, SCRIPT, SOP, TICKET, check_json, run_cli, write_vault

from opsvault.mail.replies import SHIPPED, load_reply, template_problems

T = "tickets/T-20261118-q7mz-vpn-drops.md"
C = "tickets/T-20261110-ab12.md"
K = "kb/Network/KB-OPS-001-vpn-drops.md"
S = "sops/SOP-001-password-reset.md"
P = "scripts/python/check_vpn.py"


def edit(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


# (case id, files to change, code, path, line, severity)
CASES = [
    ("yaml-syntax", {T: edit(TICKET, "title: VPN drops every 10 minutes", "title: [VPN drops")},
     "yaml-syntax", T, 4, "error"),
    ("front matter is a list", {T: "---\n- a\n- b\n---\nbody\n"},
     "front-matter-not-mapping", T, 2, "error"),
    ("front matter is a scalar", {T: "---\njust words\n---\nbody\n"},
     "front-matter-not-mapping", T, 2, "error"),
    ("unclosed front matter", {T: "---\nid: T-20261118-q7mz\n\nbody\n"},
     "front-matter-unclosed", T, 1, "error"),
    ("no front matter", {T: "# Just a note\n"}, "no-front-matter", T, 1, "error"),
    ("empty file", {T: ""}, "empty-file", T, 1, "error"),
    ("binary file", {T: b"---\nid: x\n\x00\x01\x02"}, "binary-file", T, 3, "error"),
    ("not UTF-8", {T: TICKET.replace("Priya", "Zo\xeb").encode("latin-1")}, "not-utf8", T, 10,
     "error"),
    ("huge file", {T: TICKET + "x" * (6 * 1024 * 1024)}, "file-too-large", T, 0, "error"),
    ("duplicate key", {T: edit(TICKET, "channel: email", "channel: email\nchannel: phone")},
     "duplicate-key", T, 9, "error"),
    ("bad YAML value", {T: edit(TICKET, "opened: 2026-11-18T09:12", "opened: 2026-13-18T09:12")},
     "yaml-value", T, 7, "error"),
    ("missing required field", {T: edit(TICKET, "priority: P2\n", "")},
     "missing-field", T, 1, "error"),
    ("empty required field", {T: edit(TICKET, "priority: P2", "priority:")},
     "missing-field", T, 5, "error"),
    ("unknown status", {T: edit(TICKET, "status: in-progress", "status: in-progres")},
     "invalid-value", T, 4, "error"),
    ("unknown priority", {T: edit(TICKET, "priority: P2", "priority: urgent")},
     "invalid-value", T, 5, "error"),
    ("unknown category", {T: edit(TICKET, "category: network", "category: netwrk")},
     "invalid-value", T, 6, "error"),
    ("unknown channel", {T: edit(TICKET, "channel: email", "channel: fax")},
     "invalid-value", T, 8, "error"),
    ("date-time without offset", {T: edit(TICKET, "opened: 2026-11-18T09:12:00-06:00",
                                          "opened: 2026-11-18T09:12:00")},
     "datetime-without-offset", T, 7, "error"),
    ("date without time", {T: edit(TICKET, "opened: 2026-11-18T09:12:00-06:00",
                                   "opened: 2026-11-18")},
     "datetime-without-offset", T, 7, "error"),
    ("explicit times out of order", {T: edit(TICKET, "first_response: 2026-11-18T09:20",
                                             "first_response: 2026-11-17T09:20")},
     "time-order", T, 14, "error"),
    ("bad ticket id", {T: edit(TICKET, "id: T-20261118-q7mz", "id: TICKET-1")},
     "invalid-id", T, 2, "error"),
    ("id does not match file name", {T: None, "tickets/T-20261118-zzzz.md": TICKET},
     "id-file-mismatch", "tickets/T-20261118-zzzz.md", 2, "error"),
    ("duplicate id", {"tickets/T-20261118-q7mz.md": TICKET},
     "duplicate-id", "tickets/T-20261118-q7mz.md", 2, "error"),
    ("closed without root cause", {C: edit(CLOSED_TICKET, "root_cause: Worn pickup roller\n", "")},
     "closing-incomplete", C, 4, "error"),
    ("closed without confirmation", {C: edit(CLOSED_TICKET,
                                             "user_confirmed: 2026-11-11T09:00:00-06:00\n", "")},
     "closing-incomplete", C, 4, "error"),
    ("assignee not in team", {T: edit(TICKET, "assignee: alice", "assignee: alcie")},
     "unknown-assignee", T, 12, "error"),
    ("escalated without target", {T: edit(TICKET, "status: in-progress", "status: escalated")},
     "escalation-target-missing", T, 4, "error"),
    ("active ticket without assignee", {T: edit(TICKET, "assignee: alice\n", "")},
     "unassigned", T, 4, "warning"),
    ("description still the template's placeholder",
     {T: edit(TICKET, "The VPN disconnects every ten minutes since the ISP change.",
              "Describe the problem in the requester's words: what happens, since when, "
              "what they tried.")},
     "placeholder-description", T, 16, "warning"),
    ("closure time on an active ticket",
     {T: edit(TICKET, "first_response:", "resolved: 2026-11-19T09:00:00-06:00\nfirst_response:")},
     "closure-time-on-active", T, 14, "warning"),
    ("satisfaction out of range", {C: edit(CLOSED_TICKET, "satisfaction: 5", "satisfaction: 7")},
     "invalid-value", C, 14, "error"),
    ("bad requester email", {T: edit(TICKET, "email: priya@example.org", "email: priya")},
     "invalid-value", T, 11, "error"),
    ("typo of a known key", {T: edit(TICKET, "assignee: alice", "asignee: alice\nassignee: bob")},
     "unknown-key", T, 12, "warning"),
    ("malformed Log line", {T: TICKET + "- 2026-11-18 alice fixed it\n"},
     "log-format", T, 21, "warning"),
    ("Log author not in team", {T: TICKET + "- 2026-11-18 12:00 · mallory · Looked.\n"},
     "unknown-log-author", T, 21, "warning"),
    ("Log line before opening", {T: TICKET + "- 2026-11-17 12:00 · alice · Looked.\n"},
     "log-before-opened", T, 21, "warning"),
    ("KB section missing", {K: edit(KB_ENTRY, "## Prevention\nTest VPN after ISP changes.\n", "")},
     "kb-missing-section", K, 10, "error"),
    ("KB section empty", {K: edit(KB_ENTRY, "MTU mismatch after an ISP change.\n", "")},
     "kb-empty-section", K, 18, "error"),
    ("KB entry stale", {K: edit(KB_ENTRY, "last_updated: 2026-10-01", "last_updated: 2024-01-01")},
     "kb-stale", K, 5, "warning"),
    ("KB entry in the wrong folder", {K: None, "kb/FAQ/KB-OPS-001-vpn-drops.md": KB_ENTRY},
     "kb-wrong-folder", "kb/FAQ/KB-OPS-001-vpn-drops.md", 4, "warning"),
    ("KB category unknown", {K: edit(KB_ENTRY, "category: Network", "category: Networking")},
     "invalid-value", K, 4, "error"),
    ("bad KB id", {K: edit(KB_ENTRY, "id: KB-OPS-001", "id: KB-1")}, "invalid-id", K, 2, "error"),
    ("script path missing", {K: edit(KB_ENTRY, "check_vpn.py", "nope.py")},
     "missing-script", K, 8, "error"),
    ("script path outside the vault", {K: edit(KB_ENTRY, "scripts/python/check_vpn.py",
                                               "../../etc/passwd")},
     "missing-script", K, 8, "error"),
    ("unresolved wikilink", {T: TICKET + "See [[KB-OPS-999]].\n"},
     "unresolved-link", T, 21, "error"),
    ("unresolved embed", {K: KB_ENTRY + "\n![[diagram.png]]\n"}, "unresolved-link", K, 27,
     "error"),
    ("link outside the vault", {T: TICKET + "See [[../../etc/passwd]].\n"},
     "link-outside-vault", T, 21, "error"),
    ("link to a missing heading", {T: TICKET + "See [[KB-OPS-001#Nope]].\n"},
     "unresolved-heading", T, 21, "error"),
    ("ambiguous link", {T: TICKET + "See [[notes]].\n", "kb/FAQ/notes.md": "---\nx: 1\n---\n",
                        "kb/Access/notes.md": "---\nx: 1\n---\n"},
     "ambiguous-link", T, 21, "error"),
    ("unresolved front-matter link", {T: edit(TICKET, "[[KB-OPS-001]]", "[[KB-OPS-404]]")},
     "unresolved-link", T, 13, "error"),
    ("SOP without steps", {S: edit(SOP, "1. Verify identity.\n2. Reset with the tool.\n",
                                   "Verify, reset.\n")},
     "sop-no-steps", S, 9, "error"),
    ("SOP owner not in team", {S: edit(SOP, "owner: alice", "owner: alise")},
     "unknown-owner", S, 4, "error"),
    ("SOP bad period", {S: edit(SOP, "review_every: 180d", "review_every: sometimes")},
     "invalid-value", S, 5, "error"),
    ("script header incomplete", {P: edit(SCRIPT, "# Usage: check_vpn.py HOST\n", "")},
     "script-header", P, 1, "error"),
    ("script names a missing KB entry", {P: edit(SCRIPT, "KB: KB-OPS-001", "KB: KB-OPS-404")},
     "unresolved-link", P, 4, "error"),
    ("password in a note", {T: TICKET + "- 2026-11-18 12:00 · alice · password: Hunter2024!\n"},
     "secret", T, 21, "error"),
    ("private key in a script", {P: SCRIPT + "# -----BEGIN RSA PRIVATE KEY-----\n"},
     "secret", P, 6, "error"),
    ("team level unknown", {"vault/team.yml": "technicians:\n  - handle: alice\n    name: A\n"
                                              "    level: guru\n"},
     "invalid-value", "vault/team.yml", 4, "error"),
    ("team handle duplicated", {"vault/team.yml": "technicians:\n  - {handle: alice, name: A, "
                                "level: L1}\n  - {handle: alice, name: B, level: L2}\n"},
     "duplicate-id", "vault/team.yml", 3, "error"),
    ("team file without technicians", {"vault/team.yml": "people: []\n"},
     "invalid-team", "vault/team.yml", 1, "error"),
    ("unknown setting", {"vault/opsvault.yml": "time_zone: America/Chicago\nbusines_hours: {}\n"},
     "unknown-setting", "vault/opsvault.yml", 2, "warning"),
]


@pytest.mark.parametrize(("files", "code", "path", "line", "severity"),
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_each_fault_is_reported_with_code_path_and_line(
    tmp_path: Path, files: dict[str, str], code: str, path: str, line: int, severity: str
) -> None:
    write_vault(tmp_path, files)
    exit_code, findings = check_json(tmp_path)
    matching = [f for f in findings if f["code"] == code and f["path"] == path]
    assert matching, f"no {code} in {path}; got {findings}"
    assert matching[0]["line"] == line
    assert matching[0]["severity"] == severity
    assert exit_code == (1 if severity == "error" else 0)
    assert all("\n" not in str(f["message"]) for f in findings)


def test_base_vault_is_clean(tmp_path: Path) -> None:
    write_vault(tmp_path)
    assert check_json(tmp_path, "--strict") == (0, [])


def test_enum_errors_suggest_the_closest_value(tmp_path: Path) -> None:
    write_vault(tmp_path, {T: edit(TICKET, "status: in-progress", "status: in-progres")})
    _, findings = check_json(tmp_path)
    assert "did you mean 'in-progress'?" in str(findings[0]["message"])


def test_priority_and_category_aliases_are_accepted(tmp_path: Path) -> None:
    ticket = edit(edit(TICKET, "priority: P2", "priority: critical"),
                  "category: network", "category: Networking")
    write_vault(tmp_path, {T: ticket})
    assert check_json(tmp_path, "--strict") == (0, [])


def test_closed_ticket_may_say_why_there_is_no_confirmation(tmp_path: Path) -> None:
    closed = edit(CLOSED_TICKET, "user_confirmed: 2026-11-11T09:00:00-06:00",
                  "confirmation: unreachable")
    write_vault(tmp_path, {C: closed})
    assert check_json(tmp_path, "--strict") == (0, [])


def test_duplicate_id_names_both_files(tmp_path: Path) -> None:
    write_vault(tmp_path, {"tickets/T-20261118-q7mz.md": TICKET})
    _, findings = check_json(tmp_path)
    duplicate = next(f for f in findings if f["code"] == "duplicate-id")
    other = ({T, "tickets/T-20261118-q7mz.md"} - {duplicate["path"]}).pop()
    assert f"{other}:2" in str(duplicate["message"])


def test_closing_message_lists_every_missing_field(tmp_path: Path) -> None:
    closed = edit(edit(CLOSED_TICKET, "root_cause: Worn pickup roller\n", ""),
                  "resolution: Replaced the tray 2 pickup roller.\n", "")
    write_vault(tmp_path, {C: closed})
    _, findings = check_json(tmp_path)
    message = next(str(f["message"]) for f in findings if f["code"] == "closing-incomplete")
    assert "resolution" in message and "root_cause" in message


def test_links_resolve_by_alias_heading_and_table_pipe(tmp_path: Path) -> None:
    body = ("\n| see | [[VPN guide\\|guide]] |\n|---|---|\n\n![[KB-OPS-001#Symptoms]]\n"
            "`[[not-a-link]]`\n\n```\n[[also-not]]\n```\n")
    write_vault(tmp_path, {T: TICKET + body})
    assert check_json(tmp_path, "--strict") == (0, [])


def test_strict_turns_warnings_into_failure(tmp_path: Path) -> None:
    stale = edit(KB_ENTRY, "last_updated: 2026-10-01", "last_updated: 2024-01-01")
    write_vault(tmp_path, {K: stale})
    assert check_json(tmp_path)[0] == 0
    assert check_json(tmp_path, "--strict")[0] == 1


def test_invalid_setting_names_key_and_line_and_exits_2(tmp_path: Path) -> None:
    write_vault(tmp_path, {"vault/opsvault.yml": "holidays: []\ntime_zone: Mars/Base\n"})
    result = run_cli("check", "--vault", str(tmp_path))
    assert result.exit_code == 2
    assert "vault/opsvault.yml:2:" in result.stderr and "time_zone" in result.stderr


def test_invalid_sla_duration_is_a_settings_error(tmp_path: Path) -> None:
    settings = "priorities:\n  P1:\n    first_response: soon\n"
    write_vault(tmp_path, {"vault/opsvault.yml": settings})
    result = run_cli("check", "--vault", str(tmp_path))
    assert result.exit_code == 2
    assert "vault/opsvault.yml:3:" in result.stderr
    assert "priorities.P1.first_response" in result.stderr


def test_missing_vault_folder_exits_2(tmp_path: Path) -> None:
    assert run_cli("check", "--vault", str(tmp_path / "nope")).exit_code == 2


def test_paths_limit_the_report_to_those_files(tmp_path: Path) -> None:
    write_vault(tmp_path, {T: edit(TICKET, "channel: email", "channel: fax"),
                           C: edit(CLOSED_TICKET, "satisfaction: 5", "satisfaction: 9")})
    _, findings = check_json(tmp_path, str(tmp_path / C))
    assert {f["path"] for f in findings} == {C}


def test_github_format_prints_annotations(tmp_path: Path) -> None:
    write_vault(tmp_path, {T: edit(TICKET, "channel: email", "channel: fax")})
    result = run_cli("check", "--vault", str(tmp_path), "--format", "github")
    assert result.exit_code == 1
    assert result.stdout.startswith(f"::error file={T},line=8,title=invalid-value::")


def test_text_format_is_one_line_per_finding(tmp_path: Path) -> None:
    write_vault(tmp_path, {T: edit(TICKET, "channel: email", "channel: fax")})
    result = run_cli("check", "--vault", str(tmp_path))
    assert result.stdout.splitlines() == [
        f"{T}:8: error: 'channel': 'fax' is not a channel; expected one of: email, phone, "
        "walk-in, portal, chat, alert, technician [invalid-value]"
    ]


def test_bom_and_crlf_files_are_read_like_any_other(tmp_path: Path) -> None:
    crlf = TICKET.replace("\n", "\r\n").encode()
    write_vault(tmp_path, {T: b"\xef\xbb\xbf" + crlf})
    assert check_json(tmp_path, "--strict") == (0, [])
    write_vault(tmp_path, {T: (TICKET + "See [[nowhere]].\n").replace("\n", "\r\n")})
    _, findings = check_json(tmp_path)
    assert [(f["code"], f["line"]) for f in findings] == [("unresolved-link", 21)]


def test_a_line_separator_in_a_value_does_not_shift_line_numbers(tmp_path: Path) -> None:
    for separator in ("\u2028", "\x85", "\u2029"):
        text = TICKET.replace("title: VPN drops every 10 minutes",
                              f'title: "VPN drops{separator}every 10 minutes"').replace(
            "priority: P2", "priority: P9")
        write_vault(tmp_path, {T: text})
        _, findings = check_json(tmp_path)
        assert [(f["code"], f["line"]) for f in findings] == [("invalid-value", 5)], separator


def test_a_key_twice_inside_requester_is_reported(tmp_path: Path) -> None:
    write_vault(tmp_path, {T: TICKET.replace("  email: priya@example.org",
                                             "  email: priya@example.org\n"
                                             "  email: p.shah@example.org")})
    _, findings = check_json(tmp_path)
    assert [(f["code"], f["line"]) for f in findings] == [("duplicate-key", 12)]
    assert "requester.email" in str(findings[0]["message"])


def test_a_newline_in_a_file_name_keeps_each_finding_on_one_line(tmp_path: Path) -> None:
    name = "tickets/T-20261118-zzzz\nfake.md"
    write_vault(tmp_path, {name: "no front matter here\n"})
    result = run_cli("check", "--vault", str(tmp_path))
    lines = [line for line in result.output.splitlines() if "zzzz" in line]
    assert len(lines) == 1
    assert lines[0].startswith("tickets/T-20261118-zzzz\\nfake.md:1: error: ")
    github = run_cli("check", "--vault", str(tmp_path), "--format", "github")
    annotations = [line for line in github.output.splitlines() if line.startswith("::")]
    assert any("file=tickets/T-20261118-zzzz%0Afake.md" in line for line in annotations)
    assert not [line for line in github.output.splitlines() if line.startswith("fake.md")]


def test_two_kb_entries_with_one_title_are_reported(tmp_path: Path) -> None:
    write_vault(tmp_path, {"kb/Network/KB-OPS-002-vpn-again.md": KB_ENTRY.replace(
        "id: KB-OPS-001", "id: KB-OPS-002").replace("aliases: [VPN guide]", "aliases: []")
        .replace("title: VPN drops for remote staff", "title: VPN  drops for Remote staff")})
    _, findings = check_json(tmp_path)
    assert [(f["path"], f["code"], f["line"]) for f in findings] == [
        ("kb/Network/KB-OPS-002-vpn-again.md", "duplicate-title", 3)]
    assert "kb/Network/KB-OPS-001-vpn-drops.md" in str(findings[0]["message"])


@pytest.mark.parametrize("template, line, message", [
    ("---\nsubject: Hi {{ ticket.title }}\n---\nHello {{ requestor.name }}\n", 4,
     "unknown placeholder 'requestor'"),
    ("---\nsubject: Hi\n---\nline one\n\nHello {% if %}\n", 6, "template syntax"),
    ("---\nsubject: Hi {{ nope }}\n---\nHello\n", 2, "unknown placeholder 'nope'"),
])
def test_a_reply_template_that_cannot_render_is_reported(tmp_path: Path, template: str,
                                                         line: int, message: str) -> None:
    write_vault(tmp_path, {"vault/templates/replies/broken.md": template})
    _, findings = check_json(tmp_path)
    assert [(f["path"], f["line"], f["code"]) for f in findings] == [
        ("vault/templates/replies/broken.md", line, "reply-template")]
    assert message in str(findings[0]["message"])


def test_the_shipped_reply_templates_are_clean(tmp_path: Path) -> None:
    for name in SHIPPED:
        assert template_problems(load_reply(tmp_path, name)[0]) == [], name
