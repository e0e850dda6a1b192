"""`opsvault init`: a new vault with settings, team, templates, site config and CI workflow."""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from importlib import metadata
from importlib.resources import files
from pathlib import Path

import git

from .edit import create_file
from .model import ATTACHMENTS_DIR, KB_DIR, SCRIPTS_DIR, SOPS_DIR, TICKETS_DIR
from .schema import DEFAULT_SETTINGS_YAML, SETTINGS_PATH, default_settings

SCAFFOLD = files("opsvault") / "scaffold"
# Destination in the vault → file in the scaffold package data.
SCAFFOLD_FILES = {
    "vault/team.yml": "vault/team.yml",
    "vault/index.md": "vault/index.md",
    "vault/templates/ticket.md": "vault/templates/ticket.md",
    "vault/templates/kb.md": "vault/templates/kb.md",
    "vault/templates/sop.md": "vault/templates/sop.md",
    **{f"vault/templates/replies/{name}.md": f"vault/templates/replies/{name}.md"
       for name in ("acknowledge", "need-information", "workaround",
                    "resolved-please-confirm", "closed-with-survey")},
    "mkdocs.yml": "mkdocs.yml",
    ".gitignore": "gitignore",
    ".github/workflows/opsvault.yml": ".github/workflows/opsvault.yml",
    # For `opsvault metrics --format prometheus`: import it in Grafana (Dashboards → Import).
    "grafana/opsvault-dashboard.json": "grafana/opsvault-dashboard.json",
}
SCRIPT_LANGUAGES = ("bash", "powershell", "php", "python")
WORKFLOW_PATH = ".github/workflows/opsvault.yml"
PACKAGE_PLACEHOLDER = "__OPSVAULT_PACKAGE__"


@dataclass(frozen=True)
class InitResult:
    created: tuple[str, ...]
    existing: tuple[str, ...]  # files that were already there and were left alone
    git_initialised: bool
    package: str  # where the CI workflow installs opsvault from ("" when unknown)


def _git(folder: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True,
                              timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def installed_package() -> str:
    """A pip requirement that installs this very opsvault elsewhere (the CI workflow's), or ""
    when it cannot be known: installed from a git URL → that URL at its commit; running from
    a clone with a shareable `origin` → the origin at the clone's commit; installed from an
    index → the version. A path on this machine is no use to CI, so it is never given."""
    from_index = ""
    for distribution in metadata.distributions(name="opsvault"):
        direct = distribution.read_text("direct_url.json")
        if not direct:
            from_index = f"opsvault=={distribution.version}"
            continue
        try:
            origin = json.loads(direct)
        except ValueError:
            continue
        vcs = origin.get("vcs_info")
        if isinstance(vcs, dict) and vcs.get("vcs") == "git" and vcs.get("commit_id"):
            return f"opsvault @ git+{origin.get('url', '')}@{vcs['commit_id']}"
    checkout = Path(__file__).resolve().parents[1]
    if (checkout / ".git").exists():  # an editable install, or run from a clone
        remote = shareable_remote(_git(checkout, "remote", "get-url", "origin"))
        commit = _git(checkout, "rev-parse", "HEAD")
        return f"opsvault @ git+{remote}@{commit}" if remote and commit else ""
    return from_index


def shareable_remote(remote: str) -> str:
    """A git remote CI can reach, in the form pip takes; "" for a path on this machine."""
    if remote.startswith(("https://", "ssh://")):
        return remote
    scp_like = re.fullmatch(r"git@([^:/]+):(.+)", remote)
    return f"ssh://git@{scp_like.group(1)}/{scp_like.group(2)}" if scp_like else ""


def scaffold_contents(package: str = "") -> dict[str, str]:
    """Every file a new vault starts with, by relative path; `package` is where its CI
    workflow installs opsvault from."""
    contents = {SETTINGS_PATH: DEFAULT_SETTINGS_YAML}
    for destination, source in SCAFFOLD_FILES.items():
        contents[destination] = SCAFFOLD.joinpath(source).read_text(encoding="utf-8")
    # The value sits in a double-quoted YAML string.
    quoted = package.replace("\\", "\\\\").replace('"', '\\"')
    contents[WORKFLOW_PATH] = contents[WORKFLOW_PATH].replace(PACKAGE_PLACEHOLDER, quoted)
    # Empty folders are kept in git with a .gitkeep each.
    folders = [TICKETS_DIR, ATTACHMENTS_DIR, SOPS_DIR,
               *(f"{KB_DIR}/{c}" for c in default_settings().kb_categories),
               *(f"{SCRIPTS_DIR}/{language}" for language in SCRIPT_LANGUAGES)]
    for folder in folders:
        contents[f"{folder}/.gitkeep"] = ""
    return contents


def existing_files(target: Path) -> list[str]:
    return [path for path in scaffold_contents() if (target / path).exists()]


def init_vault(target: Path, missing_only: bool = False, package: str | None = None
               ) -> InitResult:
    """Create a vault in `target`. Never overwrites: existing files are left as they are.

    Without `missing_only`, a folder that already holds any scaffold file raises
    FileExistsError and nothing is written. `package` (default: `installed_package()`) is
    where the CI workflow installs opsvault from.
    """
    package = installed_package() if package is None else package.strip()
    contents = scaffold_contents(package)
    existing = existing_files(target)
    if existing and not missing_only:
        raise FileExistsError(existing)
    created: list[str] = []
    for rel_path, text in contents.items():
        if rel_path in existing:
            continue
        destination = target / rel_path
        destination.parent.mkdir(parents=True, exist_ok=True)
        create_file(destination, text)
        created.append(rel_path)
    git_initialised = False
    try:
        git.Repo(target, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        git.Repo.init(target, initial_branch="main")
        git_initialised = True
    return InitResult(tuple(created), tuple(existing), git_initialised, package)
