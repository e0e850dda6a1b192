"""The front-matter memo gives exactly what parsing gives — same values, same types, same
findings — for every front matter it keeps, and keeps nothing it could not give back exactly."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from vaultkit import write_vault

from opsvault import files, front_matter_memo
from opsvault.diagnostics import VaultError
from opsvault.files import parse_source
from opsvault.front_matter_memo import MEMO_NAME, SETTINGS_FILES_MEMO_NAME, FrontMatterMemo
from opsvault.model import CACHE_DIR, load_team, load_vault
from opsvault.schema import load_settings

REPOSITORY = Path(__file__).resolve().parents[1]

KEPT = {
    "plain": "id: T-20261130-abcd\ntitle: 'Printer: jammed'\nstatus: new\npriority: P2\n",
    "times": ("opened: 2026-11-30T09:15:00-06:00\nnaive: 2026-11-30T09:15:00\n"
              "utc: 2026-11-30T15:15:00Z\nspaced: 2026-11-30 09:15:00 -6\nday: 2026-11-30\n"
              "micro: 2026-11-30T09:15:00.123456+05:30\n"),
    "nested": ("requester:\n  name: Dana Ruiz\n  email: dana@example.org\n"
               "tags: [vpn, 'mfa', \"wi-fi\"]\ndevices:\n  - {name: LT-042, os: Windows}\n"
               "  - {name: PH-7, os: null}\n"),
    "numbers": ("satisfaction: 4\nratio: 0.25\nneg: -3\nbig: 123456789012345678901234567890\n"
                "octal: 0o17\nhexa: 0x1f\nexp: 1e3\nzero: -0.0\nflag: yes\noff: Off\n"),
    "odd keys": "2026-11-30: a date key\n7: an int key\ntrue: a bool key\n~: a null key\n",
    "empty": "",
    "text": ("title: \"Ünïcode «quotes» — and \\u2028 a separator\"\nbody: |\n  two\n  lines\n"
             "folded: >\n  one\n  line\nempty_list: []\nempty_map: {}\n"),
}
NOT_KEPT = {
    "alias": "base: &b {name: x}\nother: *b\n",
    "duplicate": "title: A\ntitle: B\n",
    "nan": "ratio: .nan\n",
    "binary": "blob: !!binary aGVsbG8=\n",
    "set": "tags: !!set {a, b}\n",
}


def typed(value: Any) -> Any:
    """The value with every type spelled out (1 and True and 1.0 differ; so do tz-aware and
    naive times, and offsets)."""
    if isinstance(value, dict):
        return ("map", [(typed(k), typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [typed(item) for item in value])
    if isinstance(value, datetime):
        return ("datetime", value.isoformat(), repr(value.tzinfo))
    return (type(value).__name__, repr(value))


def document(yaml_text: str) -> str:
    return f"---\n{yaml_text}---\nBody.\n"


def through_memo(tmp_path: Path, yaml_text: str) -> tuple[Any, Any, list[Any], list[Any]]:
    """(parsed, from a fresh memo, findings parsing, findings through the memo)."""
    memo = FrontMatterMemo(tmp_path)
    parsed, found = parse_source("tickets/x.md", document(yaml_text), memo)
    memo.save(whole_vault=True)
    again, found_again = parse_source("tickets/x.md", document(yaml_text),
                                      FrontMatterMemo(tmp_path))
    assert parsed is not None and again is not None
    return dict(parsed.meta), dict(again.meta), found, found_again


@pytest.mark.parametrize("name", list(KEPT))
def test_kept_front_matter_comes_back_with_the_same_values_and_types(
        tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    parsed, remembered, _, _ = through_memo(tmp_path, KEPT[name])
    assert typed(remembered) == typed(parsed)
    # And it did come from the memo: a third read parses nothing.
    monkeypatch.setattr(files, "load_mapping", lambda *a, **k: pytest.fail("parsed again"))
    source, _ = parse_source("tickets/x.md", document(KEPT[name]), FrontMatterMemo(tmp_path))
    assert source is not None and typed(dict(source.meta)) == typed(parsed)


@pytest.mark.parametrize("name", list(NOT_KEPT))
def test_front_matter_the_memo_cannot_give_back_exactly_is_parsed_each_time(
        tmp_path: Path, name: str) -> None:
    parsed, again, found, found_again = through_memo(tmp_path, NOT_KEPT[name])
    assert found == found_again  # a duplicate key is reported every time
    assert typed(again) == typed(parsed) or name == "nan"  # nan != nan
    connection = sqlite3.connect(tmp_path / MEMO_NAME)
    assert connection.execute("SELECT count(*) FROM answers").fetchone() == (0,)
    connection.close()


def test_every_front_matter_of_the_demo_comes_back_exactly(tmp_path: Path) -> None:
    texts = [path.read_text(encoding="utf-8")
             for folder in ("tickets", "kb", "sops", "vault")
             for path in sorted((REPOSITORY / folder).rglob("*.md"))]
    assert len(texts) > 40
    memo = FrontMatterMemo(tmp_path)
    parsed = [parse_source("x.md", text, memo)[0] for text in texts]
    memo.save(whole_vault=True)
    fresh = FrontMatterMemo(tmp_path)
    again = [parse_source("x.md", text, fresh)[0] for text in texts]
    assert fresh.hits > 40  # nearly all came from the memo
    for first, second in zip(parsed, again, strict=True):
        assert (first is None) == (second is None)
        if first is not None and second is not None:
            assert typed(dict(second.meta)) == typed(dict(first.meta))
            assert (second.body, second.body_line, second.front_matter_span) == \
                (first.body, first.body_line, first.front_matter_span)


def memo_rows(path: Path) -> int:
    """How many answers the memo file at `path` holds."""
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT count(*) FROM answers").fetchone()[0]
    finally:
        connection.close()


def counted_parses(monkeypatch: pytest.MonkeyPatch, module: Any) -> list[str]:
    """The files `module`'s `load_mapping` parses from now on."""
    calls: list[str] = []
    original = module.load_mapping

    def counting(yaml_text: str, rel_path: str, *args: Any, **kwargs: Any) -> Any:
        calls.append(rel_path)
        return original(yaml_text, rel_path, *args, **kwargs)

    monkeypatch.setattr(module, "load_mapping", counting)
    return calls


def settings_files_rows(root: Path) -> int:
    return memo_rows(root / CACHE_DIR / SETTINGS_FILES_MEMO_NAME)


def test_a_vault_loads_the_same_from_the_memo_and_drops_what_no_file_holds(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_vault(tmp_path / "vault", {
        f"tickets/T-20261130-{n:04d}.md": document(
            f"id: T-20261130-{n:04d}\ntitle: Ticket {n}\nstatus: new\npriority: P3\n"
            f"category: network\nopened: 2026-11-30T09:{n:02d}:00-06:00\n")
        for n in range(12)})
    first = load_vault(root)
    memo_path = root / CACHE_DIR / MEMO_NAME
    held = memo_rows(memo_path)
    assert held >= 12
    calls = counted_parses(monkeypatch, files)
    second = load_vault(root)
    assert calls == []
    assert [typed(dict(t.meta)) for t in second.tickets] == \
        [typed(dict(t.meta)) for t in first.tickets]
    # Rewrite most tickets: their old front matter goes from the memo.
    for n in range(9):
        path = root / f"tickets/T-20261130-{n:04d}.md"
        path.write_text(path.read_text().replace("status: new", "status: open"))
    third = load_vault(root)
    assert sorted(calls) == [f"tickets/T-20261130-{n:04d}.md" for n in range(9)]
    assert [t.status for t in third.tickets].count("open") == 9
    assert memo_rows(memo_path) == held  # the 9 new versions in, the 9 old ones out


@pytest.mark.parametrize("damage", [b"", b"garbage, not SQLite", None])
def test_a_damaged_memo_or_row_means_parsing_again(tmp_path: Path,
                                                   damage: bytes | None) -> None:
    yaml_text = KEPT["times"]
    memo = FrontMatterMemo(tmp_path)
    parsed, _ = parse_source("x.md", document(yaml_text), memo)
    memo.save(whole_vault=True)
    path = tmp_path / MEMO_NAME
    if damage is None:
        connection = sqlite3.connect(path)
        with connection:
            connection.execute("UPDATE answers SET value = '{\"t\": \"not a time\"}'")
        connection.close()
    else:
        path.write_bytes(damage)
    again, _ = parse_source("x.md", document(yaml_text), FrontMatterMemo(tmp_path))
    assert parsed is not None and again is not None
    assert typed(dict(again.meta)) == typed(dict(parsed.meta))
    assert isinstance(again.meta["day"], date)


RICH_SETTINGS = """\
time_zone: America/Chicago
holidays: [2026-11-26, 2026-12-25]
business_hours: {days: [mon, tue, wed, thu], start: "07:30", end: "16:00"}
mail: {from: "Help Desk <help@example.org>", smtp_host: mail.example.org}
categories:
  network: {title: Network, owner: Networking, kb_folder: Network, aliases: [wifi]}
"""


def test_settings_and_team_load_the_same_from_the_memo_without_parsing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_vault(tmp_path / "vault", {"vault/opsvault.yml": RICH_SETTINGS})
    parsed_settings, _ = load_settings(root)  # no memo: parsed
    parsed_team, _ = load_team(root)
    first = load_vault(root)
    assert settings_files_rows(root) == 3  # the defaults, the settings, the team
    calls = counted_parses(monkeypatch, front_matter_memo)
    second = load_vault(root)
    assert calls == []
    for loaded in (first, second):
        assert loaded.settings == parsed_settings
        assert loaded.team == parsed_team
    assert second.settings.holidays == frozenset({date(2026, 11, 26), date(2026, 12, 25)})
    assert second.settings.time_zone_name == "America/Chicago"
    assert second.team.key_lines["technicians.1"] == 9  # findings keep their lines


def test_an_edited_settings_file_is_parsed_again_and_its_old_row_dropped(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_vault(tmp_path / "vault", {"vault/opsvault.yml": RICH_SETTINGS})
    load_vault(root)
    calls = counted_parses(monkeypatch, front_matter_memo)
    (root / "vault/opsvault.yml").write_text(RICH_SETTINGS.replace("America/Chicago",
                                                                   "Europe/Berlin"))
    assert load_vault(root).settings.time_zone_name == "Europe/Berlin"
    assert calls == ["vault/opsvault.yml"]
    assert settings_files_rows(root) == 3
    (root / "vault/team.yml").unlink()
    assert not load_vault(root).team.present
    assert settings_files_rows(root) == 2  # a file that is gone leaves no row


def test_settings_files_with_findings_report_them_on_every_load(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "vault", {
        "vault/opsvault.yml": "time_zone: UTC\nbusines_hours: {start: '09:00'}\n",
        "vault/team.yml": "technicians:\n  - handle: alice\n    handle: bob\n"})
    for _ in range(2):
        problems = [(p.path, p.line, p.code) for p in load_vault(root).problems]
        assert ("vault/opsvault.yml", 2, "unknown-setting") in problems
        assert ("vault/team.yml", 3, "duplicate-key") in problems
    (root / "vault/opsvault.yml").write_text("time_zone: Mars/Olympus\n")
    for _ in range(2):
        with pytest.raises(VaultError) as raised:
            load_vault(root)
        assert [(p.path, p.line, p.code) for p in raised.value.diagnostics] == \
            [("vault/opsvault.yml", 1, "invalid-setting")]
