"""The repository root is a realistic demo help desk that passes `check --strict`."""

from __future__ import annotations

from pathlib import Path

from vaultkit import check_json

from opsvault.model import load_vault

ROOT = Path(__file__).resolve().parents[1]


def test_demo_vault_passes_strict_check() -> None:
    assert check_json(ROOT, "--strict") == (0, [])


def test_demo_vault_covers_every_category_priority_status_and_channel() -> None:
    vault = load_vault(ROOT)
    settings = vault.settings
    tickets = vault.tickets
    assert len(tickets) >= 30
    assert {t.category for t in tickets} == set(settings.categories)
    assert {t.priority for t in tickets} == set(settings.priorities)
    assert {t.status for t in tickets} == set(settings.statuses)
    assert {t.channel for t in tickets} == set(settings.channels)
    assert all(t.log for t in tickets if t.status != settings.initial_status)
    assert sum(t.status == "escalated" or "escalated_to" in t.meta for t in tickets) >= 2
    assert sum("repeat_of" in t.meta for t in tickets) >= 2
    assert sum(any(e.text.startswith("Reopened") for e in t.log) for t in tickets) >= 2
    assert sum("first_response" in t.meta for t in tickets) >= 20


def test_demo_vault_has_kb_in_every_folder_the_seven_sops_team_and_scripts() -> None:
    vault = load_vault(ROOT)
    assert len(vault.kb) >= 10
    assert {entry.folder for entry in vault.kb} == set(vault.settings.kb_categories)
    assert sorted(sop.title for sop in vault.sops) == sorted([
        "Onboarding", "Ticket Escalation", "Backup Verification", "Password Reset",
        "Hardware Swap", "Network Drop", "Software Install"])
    assert len(vault.team.technicians) == 4
    assert {s.name for s in vault.scripts} == {
        "backup_verify.py", "create_user_template.sh", "reset_user_pw.php", "sys_healthcheck.ps1"}
