"""`opsvault init`: a new vault that checks clean, never overwriting anything."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import git
import yaml
from prometheus_client.parser import text_string_to_metric_families
from vaultkit import check_json, run_cli

from opsvault.scaffold import shareable_remote
from opsvault.schema import DEFAULT_SETTINGS_YAML


def fill_like_obsidian(template: str, title: str, now: datetime) -> str:
    """What Obsidian's core Templates plugin does with {{title}}, {{date:…}} and {{time:…}}."""
    moment = {"YYYY": "%Y", "MM": "%m", "DD": "%d", "HH": "%H", "mm": "%M", "ss": "%S"}

    def render(match: re.Match[str]) -> str:
        kind, fmt = match.group(1), match.group(2)
        if fmt is None:
            fmt = "YYYY-MM-DD" if kind == "date" else "HH:mm"
        out = re.sub("YYYY|MM|DD|HH|mm|ss", lambda m: now.strftime(moment[m.group()]), fmt)
        offset = now.strftime("%z")
        return out.replace("Z", f"{offset[:3]}:{offset[3:]}")

    text = template.replace("{{title}}", title)
    return re.sub(r"\{\{(date|time)(?::([^}]*))?\}\}", render, text)


def test_init_creates_a_vault_that_passes_strict_check(tmp_path: Path) -> None:
    result = run_cli("init", str(tmp_path / "desk"))
    assert result.exit_code == 0, result.output
    root = tmp_path / "desk"
    for path in ("vault/opsvault.yml", "vault/team.yml", "vault/templates/ticket.md",
                 "mkdocs.yml", ".gitignore", ".github/workflows/opsvault.yml",
                 "kb/Access/.gitkeep", "scripts/powershell/.gitkeep"):
        assert (root / path).is_file(), path
    assert git.Repo(root).git_dir
    assert check_json(root, "--strict") == (0, [])


def test_settings_file_written_by_init_is_the_documented_defaults(tmp_path: Path) -> None:
    run_cli("init", str(tmp_path))
    text = (tmp_path / "vault/opsvault.yml").read_text()
    assert text == DEFAULT_SETTINGS_YAML
    assert yaml.safe_load(text)["priorities"]["P1"]["first_response"] == "15m"


def test_init_twice_refuses_and_changes_nothing(tmp_path: Path) -> None:
    run_cli("init", str(tmp_path))
    team = tmp_path / "vault/team.yml"
    team.write_text("technicians: []  # mine\n")
    result = run_cli("init", str(tmp_path))
    assert result.exit_code == 1
    assert "nothing was changed" in result.stderr
    assert team.read_text() == "technicians: []  # mine\n"


def test_missing_only_adds_missing_files_and_keeps_edited_ones(tmp_path: Path) -> None:
    run_cli("init", str(tmp_path))
    (tmp_path / "mkdocs.yml").unlink()
    team = tmp_path / "vault/team.yml"
    team.write_text("technicians: []  # mine\n")
    result = run_cli("init", str(tmp_path), "--missing-only")
    assert result.exit_code == 0
    assert "created mkdocs.yml" in result.stdout
    assert (tmp_path / "mkdocs.yml").is_file()
    assert team.read_text() == "technicians: []  # mine\n"


def test_init_inside_an_existing_repository_does_not_nest_one(tmp_path: Path) -> None:
    git.Repo.init(tmp_path)
    result = run_cli("init", str(tmp_path / "helpdesk"))
    assert "initialised a git repository" not in result.stdout
    assert not (tmp_path / "helpdesk" / ".git").exists()


def test_templates_filled_by_obsidian_give_valid_documents(tmp_path: Path) -> None:
    run_cli("init", str(tmp_path))
    now = datetime(2026, 11, 24, 10, 32, tzinfo=timezone(timedelta(hours=-6)))
    ticket = fill_like_obsidian((tmp_path / "vault/templates/ticket.md").read_text(),
                                "Printer offline", now)
    ticket_id = re.search(r"^id: (\S+)", ticket, re.MULTILINE).group(1)
    (tmp_path / f"tickets/{ticket_id}.md").write_text(ticket)
    kb = fill_like_obsidian((tmp_path / "vault/templates/kb.md").read_text(), "Printer offline",
                            now).replace("KB-OPS-000", "KB-OPS-001")
    (tmp_path / "kb/FAQ/KB-OPS-001-printer-offline.md").write_text(kb)
    sop = fill_like_obsidian((tmp_path / "vault/templates/sop.md").read_text(), "Printing", now)
    sop_path = tmp_path / "sops/SOP-001-printing.md"
    sop_path.write_text(sop.replace("SOP-000", "SOP-001"))
    # The templates leave the SOP's owner and the ticket's description for the technician
    # to fill in; check asks for both.
    code, findings = check_json(tmp_path, "--strict")
    assert (code, [(f["path"], f["line"], f["code"]) for f in findings]) == (
        1, [("sops/SOP-001-printing.md", 4, "sop-no-owner"),
            (f"tickets/{ticket_id}.md", 20, "placeholder-description")])
    team = (tmp_path / "vault/team.yml").read_text()
    handle = re.search(r"^\s*- handle: (\S+)", team, re.MULTILINE).group(1)
    sop_path.write_text(sop_path.read_text().replace("owner:\n", f"owner: {handle}\n"))
    ticket_path = tmp_path / f"tickets/{ticket_id}.md"
    ticket_path.write_text(re.sub(r"(?m)^Describe the problem.*$", "The printer is offline.",
                                  ticket_path.read_text()))
    assert check_json(tmp_path, "--strict") == (0, [])


# --- the CI workflow -------------------------------------------------------------------------

WORKFLOW = ".github/workflows/opsvault.yml"
PACKAGE = "opsvault @ git+https://git.example.org/it/opsvault@v0.1.0"


def _workflow_steps(root: Path) -> tuple[dict[str, object], list[dict[str, object]]]:
    workflow = yaml.safe_load((root / WORKFLOW).read_text())
    return workflow, workflow["jobs"]["site"]["steps"]


def test_the_ci_workflow_is_a_valid_github_actions_workflow(tmp_path: Path) -> None:
    run_cli("init", str(tmp_path), "--package", PACKAGE)
    validated = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema",
         "vendor.github-workflows", str(tmp_path / WORKFLOW)],
        capture_output=True, text=True, check=False)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    bad = tmp_path / "bad.yml"
    bad.write_text((tmp_path / WORKFLOW).read_text().replace("runs-on:", "runs_on:", 1))
    assert subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema",
                           "vendor.github-workflows", str(bad)],
                          capture_output=True, check=False).returncode == 1


def test_the_ci_workflow_installs_checks_strictly_builds_and_deploys(tmp_path: Path) -> None:
    run_cli("init", str(tmp_path), "--package", PACKAGE)
    workflow, steps = _workflow_steps(tmp_path)
    assert workflow["env"]["OPSVAULT_PACKAGE"] == PACKAGE
    runs = [str(step.get("run", "")) for step in steps]
    assert any('pip install "$OPSVAULT_PACKAGE"' in run for run in runs)
    assert "opsvault check --strict --format github" in runs
    assert "opsvault build --strict" in runs
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "site"
    assert [step["uses"] for step in deploy["steps"]] == ["actions/deploy-pages@v4"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert "pull_request" in deploy["if"]


def test_the_ci_workflow_restores_the_caches_before_it_checks(tmp_path: Path) -> None:
    """A checkout has no `.opsvault/`: without the cache step each run would read every
    commit again (tests/test_restored_cache.py shows a restored one is used and trusted
    only as far as it can be)."""
    run_cli("init", str(tmp_path), "--package", PACKAGE)
    _, steps = _workflow_steps(tmp_path)
    uses = [str(step.get("uses", "")) for step in steps]
    runs = [str(step.get("run", "")) for step in steps]
    restore, save = uses.index("actions/cache/restore@v4"), uses.index("actions/cache/save@v4")
    assert steps[restore]["with"] == {"path": ".opsvault", "key": "opsvault-${{ github.sha }}",
                                      "restore-keys": "opsvault-"}
    assert restore < runs.index("opsvault check --strict --format github")
    # Saved after the build, and also when the check fails: a vault with findings must not
    # make every later run read all of its history again.
    assert save > runs.index("opsvault build --strict")
    assert steps[save]["with"] == {"path": ".opsvault", "key": "opsvault-${{ github.sha }}"}
    assert str(steps[save]["if"]).startswith("always()")
    assert f"steps.{steps[restore]['id']}.outputs.cache-hit" in str(steps[save]["if"])
    assert ".opsvault/" in (tmp_path / ".gitignore").read_text()


def test_the_ci_workflow_commands_pass_on_a_new_vault(tmp_path: Path) -> None:
    run_cli("init", str(tmp_path), "--package", PACKAGE)
    _, steps = _workflow_steps(tmp_path)
    commands = [str(step["run"]) for step in steps
                if str(step.get("run", "")).startswith("opsvault ")]
    assert len(commands) == 2
    for command in commands:
        result = run_cli(*shlex.split(command)[1:], "--vault", str(tmp_path))
        assert result.exit_code == 0, f"{command}: {result.output}"
    assert (tmp_path / "build/site/index.html").is_file()


def test_a_package_with_quotes_stays_one_yaml_string(tmp_path: Path) -> None:
    odd = 'opsvault @ file:///srv/wheels/opsvault-0.1.0-py3-none-any.whl ; python_version>"3"'
    run_cli("init", str(tmp_path), "--package", odd)
    workflow, _ = _workflow_steps(tmp_path)
    assert workflow["env"]["OPSVAULT_PACKAGE"] == odd


def test_without_a_known_package_init_says_what_to_set(tmp_path: Path) -> None:
    result = run_cli("init", str(tmp_path), "--package", "")
    assert result.exit_code == 0
    assert "set OPSVAULT_PACKAGE" in result.stderr
    _, steps = _workflow_steps(tmp_path)
    install = next(str(step["run"]) for step in steps if "pip install" in str(step.get("run")))
    # The CI step fails with a clear annotation rather than installing something else.
    done = subprocess.run(["bash", "-c", install], env={"OPSVAULT_PACKAGE": "", "PATH": "/bin"},
                          capture_output=True, text=True, check=False)
    assert done.returncode == 1 and "::error" in done.stdout


def test_the_package_defaults_to_a_shared_origin_of_this_clone() -> None:
    assert shareable_remote("https://github.com/lakeview/opsvault.git") == \
        "https://github.com/lakeview/opsvault.git"
    assert shareable_remote("git@github.com:lakeview/opsvault.git") == \
        "ssh://git@github.com/lakeview/opsvault.git"
    assert shareable_remote("/home/bob/src/opsvault") == ""
    assert shareable_remote("../opsvault") == ""


def test_the_grafana_dashboard_charts_what_the_prometheus_export_holds(tmp_path: Path) -> None:
    assert run_cli("init", str(tmp_path / "desk")).exit_code == 0
    dashboard = json.loads((tmp_path / "desk/grafana/opsvault-dashboard.json").read_text())
    demo = tmp_path / "demo"  # the demo's files without git: the export of a real desk
    root = Path(__file__).resolve().parents[1]
    for folder in ("tickets", "kb", "sops", "scripts", "vault"):
        shutil.copytree(root / folder, demo / folder)
    export = run_cli("metrics", "--vault", str(demo), "--format", "prometheus", "--as-of",
                     "2026-11-25T14:00:00-06:00")
    assert export.exit_code == 0
    exported = {family.name for family in text_string_to_metric_families(export.stdout)}
    panels = dashboard["panels"]
    assert len(panels) >= 10 and len({p["id"] for p in panels}) == len(panels)
    charted = set()
    for panel in panels:
        assert panel["title"] and panel["targets"], panel
        assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}
        for target in panel["targets"]:
            charted.update(re.findall(r"opsvault_[a-z0-9_]+", target["expr"]))
    assert charted and charted <= exported, charted - exported
    assert {"opsvault_backlog_tickets", "opsvault_sla_tickets",
            "opsvault_first_response_median_seconds"} <= charted
    variable = dashboard["templating"]["list"][0]
    assert (variable["name"], variable["type"], variable["query"]) == (
        "datasource", "datasource", "prometheus")
