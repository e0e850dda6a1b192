"""`opsvault init`: a new vault with settings, team, templates, site config and CI workflow."""

from __future__ import annotations

from dataclasses import dataclass
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
    "mkdocs.yml": "mkdocs.yml",
    ".gitignore": "gitignore",
    ".github/workflows/opsvault.yml": ".github/workflows/opsvault.yml",
}
SCRIPT_LANGUAGES = ("bash", "powershell", "php", "python")


@dataclass(frozen=True)
class InitResult:
    created: tuple[str, ...]
    existing: tuple[str, ...]  # files that were already there and were left alone
    git_initialised: bool


def scaffold_contents() -> dict[str, str]:
    """Every file a new vault starts with, by relative path."""
    contents = {SETTINGS_PATH: DEFAULT_SETTINGS_YAML}
    for destination, source in SCAFFOLD_FILES.items():
        contents[destination] = SCAFFOLD.joinpath(source).read_text(encoding="utf-8")
    # Empty folders are kept in git with a .gitkeep each.
    folders = [TICKETS_DIR, ATTACHMENTS_DIR, SOPS_DIR,
               *(f"{KB_DIR}/{c}" for c in default_settings().kb_categories),
               *(f"{SCRIPTS_DIR}/{language}" for language in SCRIPT_LANGUAGES)]
    for folder in folders:
        contents[f"{folder}/.gitkeep"] = ""
    return contents


def existing_files(target: Path) -> list[str]:
    return [path for path in scaffold_contents() if (target / path).exists()]


def init_vault(target: Path, missing_only: bool = False) -> InitResult:
    """Create a vault in `target`. Never overwrites: existing files are left as they are.

    Without `missing_only`, a folder that already holds any scaffold file raises
    FileExistsError and nothing is written.
    """
    contents = scaffold_contents()
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
    return InitResult(tuple(created), tuple(existing), git_initialised)
