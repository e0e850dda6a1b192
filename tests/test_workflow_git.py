"""Each update can be one git commit holding only that ticket; ids never collide across clones."""

from __future__ import annotations

from pathlib import Path

import git
import pytest
from deskkit import GIT_EMAIL, GIT_NAME, VPN, VPN_PATH, desk, ov, printed_path, strict_findings
from vaultkit import SETTINGS, write_vault

from opsvault.model import load_vault

AT = "2026-11-24T10:00"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return desk(tmp_path / "desk")


def files_of(commit: git.Commit) -> list[str]:
    return sorted(str(path) for path in commit.stats.files)


def test_commit_holds_only_the_ticket_with_message_trailer_and_author(root: Path) -> None:
    repo = git.Repo(root)
    (root / "kb/Network/KB-OPS-001-vpn-drops.md").write_text("staged edit\n")
    repo.git.add("kb/Network/KB-OPS-001-vpn-drops.md")
    (root / "sops/SOP-001-password-reset.md").write_text("unstaged edit\n")
    result = ov(root, "ticket", "status", VPN, "waiting-on-user", "--commit", "--as", "alice",
                "--at", AT)
    assert result.exit_code == 0, result.output
    head = repo.head.commit
    assert files_of(head) == [VPN_PATH]
    assert head.message == f"{VPN}: status in-progress → waiting-on-user\n\nTicket: {VPN}\n"
    assert (head.author.name, head.author.email) == ("Alice Moreno", "alice@example.org")
    assert (head.committer.name, head.committer.email) == (GIT_NAME, GIT_EMAIL)
    assert repo.git.diff("--cached", "--name-only").split() == \
        ["kb/Network/KB-OPS-001-vpn-drops.md"]
    assert repo.git.diff("--name-only").split() == ["sops/SOP-001-password-reset.md"]
    assert (root / "kb/Network/KB-OPS-001-vpn-drops.md").read_text() == "staged edit\n"


def test_a_technician_without_email_commits_with_gits_identity(root: Path) -> None:
    assert ov(root, "ticket", "log", VPN, "Checked", "--commit", "--as", "bob",
              "--at", AT).exit_code == 0
    head = git.Repo(root).head.commit
    assert (head.author.name, head.author.email) == (GIT_NAME, GIT_EMAIL)
    assert head.message.startswith(f"{VPN}: log: Checked\n")


def test_every_update_is_its_own_commit(root: Path) -> None:
    repo = git.Repo(root)
    start = repo.head.commit
    for args in (("status", VPN, "waiting-on-user"), ("status", VPN, "in-progress"),
                 ("resolve", VPN, "--resolution", "New profile")):
        assert ov(root, "ticket", *args, "--commit", "--as", "alice", "--at", AT).exit_code == 0
    commits = list(repo.iter_commits(f"{start.hexsha}..HEAD"))
    assert [c.summary for c in reversed(commits)] == [
        f"{VPN}: status in-progress → waiting-on-user",
        f"{VPN}: status waiting-on-user → in-progress", f"{VPN}: resolved"]
    assert all(files_of(c) == [VPN_PATH] for c in commits)
    assert not repo.is_dirty()


def test_the_vault_setting_commits_without_the_flag(tmp_path: Path) -> None:
    root = desk(tmp_path / "desk", {
        "vault/opsvault.yml": SETTINGS + "workflow:\n  commit_each_update: true\n"})
    repo = git.Repo(root)
    start = repo.head.commit
    assert ov(root, "ticket", "log", VPN, "one", "--as", "alice", "--at", AT).exit_code == 0
    assert repo.head.commit != start
    committed = repo.head.commit
    assert ov(root, "ticket", "log", VPN, "two", "--no-commit", "--as", "alice",
              "--at", AT).exit_code == 0
    assert repo.head.commit == committed and repo.is_dirty()


def test_a_new_ticket_is_committed_as_opened(root: Path) -> None:
    result = ov(root, "ticket", "new", "Printer offline", "-p", "P3", "-c", "printing",
                "-d", "Offline since the power cut.", "--commit", "--as", "bob", "--at", AT)
    assert result.exit_code == 0, result.output
    path = printed_path(result.output)
    ticket_id = Path(path).name[:15]
    head = git.Repo(root).head.commit
    assert files_of(head) == [path]
    assert head.message == f"{ticket_id}: opened: Printer offline\n\nTicket: {ticket_id}\n"


def test_commit_outside_a_git_repository_is_a_usage_error(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "plain")
    before = (root / VPN_PATH).read_text()
    result = ov(root, "ticket", "log", VPN, "x", "--commit", "--as", "alice", "--at", AT)
    assert result.exit_code == 2
    assert "not in a git repository" in result.stderr
    assert (root / VPN_PATH).read_text() == before


def test_ids_made_on_two_clones_at_the_same_moment_merge_without_conflict(
        tmp_path: Path) -> None:
    origin = desk(tmp_path / "origin")
    clones = []
    for name in ("alice", "bob"):
        clone = git.Repo.clone_from(origin, tmp_path / name)
        with clone.config_writer() as config:
            config.set_value("user", "name", name)
            config.set_value("user", "email", f"{name}@clone.example.org")
        clones.append(clone)
    created = []
    for clone, handle in zip(clones, ("alice", "bob"), strict=True):
        result = ov(Path(clone.working_dir), "ticket", "new", "Printer offline", "-p", "P3",
                    "-c", "printing", "-d", "Offline.", "--opened", "2026-11-24T09:30:00-06:00",
                    "--at",
                    "2026-11-24T09:30:00-06:00", "--commit", "--as", handle)
        assert result.exit_code == 0, result.output
        created.append(printed_path(result.output))
    alice, bob = clones
    alice.git.pull("--no-rebase", "--no-edit", str(bob.working_dir), "main")
    merged = Path(alice.working_dir)
    assert not alice.index.unmerged_blobs()
    ids = sorted(t.id for t in load_vault(merged).tickets if t.id.startswith("T-20261124-"))
    assert len(ids) == 2 and ids[0] != ids[1]
    assert {Path(path).name[:15] for path in created} == set(ids)
    assert strict_findings(merged) == []


def test_a_vault_in_a_subfolder_reached_through_a_symlink_commits_its_ticket(
        tmp_path: Path) -> None:
    repository = git.Repo.init(tmp_path / "repo", initial_branch="main")
    write_vault(tmp_path / "repo/helpdesk")
    with repository.config_writer() as config:
        config.set_value("user", "name", GIT_NAME)
        config.set_value("user", "email", GIT_EMAIL)
    repository.git.add("--all")
    repository.git.commit("--quiet", "-m", "The help desk")
    (tmp_path / "link").symlink_to(tmp_path / "repo")
    result = ov(tmp_path / "link/helpdesk", "ticket", "log", VPN, "Via a link", "--commit",
                "--as", "alice", "--at", AT)
    assert result.exit_code == 0, result.output
    assert files_of(repository.head.commit) == [f"helpdesk/{VPN_PATH}"]
