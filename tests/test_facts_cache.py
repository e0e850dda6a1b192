"""The facts cache: `sla` from cached per-ticket facts says exactly what the full computation
says, recomputes only the tickets whose file or history changed, and trusts nothing doubtful."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from gitkit import commit, ticket, ticket_path
from test_metrics import CLOSING, RUNNING_P4, build_repo
from test_sla_pause import _repo as pause_repo
from test_sla_pause import build_update_repo as update_repo
from vaultkit import run_cli

from opsvault import ticket_index
from opsvault.business_time import BusinessCalendar
from opsvault.history import load_history
from opsvault.metrics import facts_cache, ticket_facts
from opsvault.metrics.facts import FactsBasis, TicketFacts, with_clocks
from opsvault.model import load_vault
from opsvault.schema import load_settings

AS_OF = "2026-12-01T12:00:00-06:00"


@pytest.fixture(autouse=True)
def no_racy_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    # Files written a moment ago are not cached (they could change within the same clock
    # tick): for these tests, "a moment" is nothing.
    monkeypatch.setattr(ticket_index, "RACY_SECONDS", 0)
    monkeypatch.setattr(facts_cache, "RACY_SECONDS", 0)


@pytest.fixture()
def computed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths whose facts were computed (not taken from the cache), run by run."""
    paths: list[str] = []
    original = facts_cache.facts_basis

    def counting(ticket: object, *args: object) -> FactsBasis | None:
        paths.append(ticket.path)  # type: ignore[attr-defined]
        return original(ticket, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(facts_cache, "facts_basis", counting)
    return paths


def sla_json(root: Path, as_of: str = AS_OF) -> str:
    result = run_cli("sla", "--vault", str(root), "--as-of", as_of, "--all", "--format", "json")
    assert result.exit_code in (0, 1), result.stderr
    return result.stdout


def without_caches(root: Path, as_of: str = AS_OF) -> str:
    """What `sla` says with no cache of any kind: every file read, all history read."""
    saved = root.parent / "saved-cache"
    shutil.rmtree(saved, ignore_errors=True)
    shutil.move(root / ".opsvault", saved)
    try:
        return sla_json(root, as_of)
    finally:
        shutil.rmtree(root / ".opsvault")
        shutil.move(saved, root / ".opsvault")


@pytest.mark.parametrize("build", [build_repo, pause_repo, update_repo],
                         ids=["desk", "pauses", "updates"])
@pytest.mark.parametrize("as_of", ["2026-11-30T10:00:00-06:00", AS_OF])
def test_sla_from_the_cache_is_byte_identical_to_the_full_computation(
        build: Callable[[Path], Path], as_of: str, tmp_path: Path, computed: list[str]) -> None:
    root = build(tmp_path / "vault")
    cold = sla_json(root, as_of)
    opened = len(computed)
    assert opened and facts_cache.cache_path(root).is_file()
    computed.clear()
    warm = sla_json(root, as_of)
    assert computed == []  # every open ticket's facts came from the cache
    assert warm == cold == without_caches(root, as_of)
    # And what the library computes from the whole vault, clock by clock.
    vault = load_vault(root)
    moment = datetime.fromisoformat(as_of)
    expected = {f.ticket_id: f for f in ticket_facts(
        vault, load_history(root, vault.settings, use_cache=False), moment) if f.is_open}
    shown = json.loads(warm)["tickets"]
    assert {c["ticket_id"] for c in shown} <= set(expected)
    for clock in shown:
        fact = expected[clock["ticket_id"]]
        assert clock["title"] == fact.title and clock["status"] == fact.status
        assert clock["due"] == next(c.due.isoformat() if c.due else None for c in fact.sla
                                    if c.target == clock["target"])


@pytest.mark.parametrize("build", [build_repo, pause_repo, update_repo],
                         ids=["desk", "pauses", "updates"])
def test_kept_clocks_run_on_to_any_later_moment_say_what_the_full_computation_says(
        build: Callable[[Path], Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from opsvault.metrics import facts as facts_module

    root = build(tmp_path / "vault")
    sla_json(root)  # the cache now keeps each open ticket's clocks, read at its last event
    read_in_full: list[str] = []
    original = facts_module.clock_states

    def counting(facts: TicketFacts, *args: object) -> tuple:
        read_in_full.append(facts.ticket_id)
        return original(facts, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(facts_module, "clock_states", counting)
    # A day on, years on (across holidays, weekends and DST changes), and a moment before
    # some tickets' last events (those are read in full at that moment).
    for as_of in ("2026-12-02T16:45:00-06:00", "2029-03-12T08:30:00-05:00",
                  "2026-11-24T10:00:00-06:00"):
        read_in_full.clear()
        warm = sla_json(root, as_of)
        later = as_of > AS_OF
        assert not (later and read_in_full)  # every open ticket's clocks were kept
        monkeypatch.setattr(facts_module, "clock_states", original)
        assert warm == without_caches(root, as_of)
        monkeypatch.setattr(facts_module, "clock_states", counting)
        assert json.loads(warm)["tickets"] or not later


def test_only_the_tickets_whose_file_or_history_changed_are_computed_again(
        tmp_path: Path, computed: list[str]) -> None:
    root = build_repo(tmp_path / "vault")
    sla_json(root)
    computed.clear()
    # An edit not committed yet: the file's stamp changes.
    edited = root / ticket_path(RUNNING_P4)
    edited.write_text(edited.read_text().replace(
        "## Log\n", "## Log\n- 2026-11-24 09:30 · alice · Called the requester\n"))
    # A new commit of another open ticket: its events change, its file is as committed.
    commit(root, {ticket_path("T-20261201-newx"): ticket(
        "T-20261201-newx", "new", "P2", "2026-12-01T09:00:00-06:00")}, "new", AS_OF)
    warm = sla_json(root)
    assert sorted(computed) == sorted([ticket_path(RUNNING_P4),
                                       ticket_path("T-20261201-newx")])
    assert warm == without_caches(root)
    computed.clear()
    assert sla_json(root) == warm and computed == []  # both kept for the next run
    assert "T-20261201-newx" in warm


def test_sla_reads_the_open_tickets_rows_and_keeps_every_other(
        tmp_path: Path, computed: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    root = build_repo(tmp_path / "vault")
    metrics_json(root)  # every ticket's row, closed ones too
    sla_json(root)  # and the open ones' file stamps, which a row metrics made lacks
    connection = sqlite3.connect(facts_cache.cache_path(root))
    every = sorted(path for (path,) in connection.execute("SELECT path FROM facts"))
    connection.close()
    asked: list[tuple[str, ...]] = []
    original = facts_cache.read_rows

    def reading(path: Path, key: object, *queries: object) -> object:
        asked.extend(tuple(q[1]) for q in queries if isinstance(q, tuple))
        return original(path, key, *queries)  # type: ignore[arg-type]

    monkeypatch.setattr(facts_cache, "read_rows", reading)
    computed.clear()
    warm = sla_json(root)
    read = sorted(p for part in asked for p in part)
    open_paths = sorted(t["path"] for t in json.loads(warm)["tickets"])
    assert read == open_paths and len(read) < len(every)
    assert computed == [] and warm == without_caches(root)
    connection = sqlite3.connect(facts_cache.cache_path(root))
    kept = sorted(path for (path,) in connection.execute("SELECT path FROM facts"))
    connection.close()
    assert kept == every  # the rows sla did not read are still there for metrics
    computed.clear()
    metrics_json(root)
    assert computed == []


def test_a_changed_team_or_settings_file_means_computing_everything_again(
        tmp_path: Path, computed: list[str]) -> None:
    root = build_repo(tmp_path / "vault")
    sla_json(root)
    every = len(computed)
    for path, addition in (("vault/team.yml", "  - {handle: dana, name: Dana, level: L1}\n"),
                           ("vault/opsvault.yml", "workflow:\n  commit_each_update: false\n")):
        computed.clear()
        (root / path).write_text((root / path).read_text() + addition)
        shown = sla_json(root)
        assert len(computed) == every, path
        assert shown == without_caches(root)


@pytest.mark.parametrize("damage", [b"", b"not a database at all", None])
def test_a_damaged_cache_or_row_is_never_trusted(tmp_path: Path, computed: list[str],
                                                 damage: bytes | None) -> None:
    import sqlite3

    root = build_repo(tmp_path / "vault")
    expected = sla_json(root)
    path = facts_cache.cache_path(root)
    if damage is None:  # a row of another shape
        connection = sqlite3.connect(path)
        with connection:
            connection.execute("UPDATE facts SET basis = '[[1, 2], [], []]', clocks = '[1]' "
                               "WHERE path = ?", (ticket_path(RUNNING_P4),))
        connection.close()
    else:
        path.write_bytes(damage)
    computed.clear()
    assert sla_json(root) == expected
    assert computed  # computed again, not taken from the damaged cache


def test_kept_clocks_of_another_shape_fall_back_to_the_rows_facts(
        tmp_path: Path, computed: list[str]) -> None:
    import sqlite3

    root = build_repo(tmp_path / "vault")
    expected = sla_json(root)
    connection = sqlite3.connect(facts_cache.cache_path(root))
    with connection:
        kept = connection.execute("UPDATE facts SET clocks = '[\"x\", 1]' "
                                  "WHERE clocks IS NOT NULL").rowcount
    connection.close()
    assert kept  # the open tickets keep their clocks
    computed.clear()
    assert sla_json(root) == expected
    assert computed == []  # each row's facts were sound: decoded, not computed


def test_times_keep_their_zone_through_the_cache() -> None:
    settings, _ = load_settings(Path("/nonexistent"))
    chicago = ZoneInfo("America/Chicago")
    # Opened the evening before the clocks go back: a zone's arithmetic differs from a fixed
    # offset's across that night.
    opened = datetime(2026, 10, 31, 20, 0, tzinfo=chicago)
    facts = TicketFacts(
        ticket_id="T-20261031-dstx", path="tickets/T-20261031-dstx.md", title="Ünïcode «x»",
        status="in-progress", priority="P1", category=None, assignee="alice", channel=None,
        location=None, tags=("vpn", "dst"), opened=opened,
        first_response=datetime(2026, 11, 1, 1, 30, tzinfo=timezone(timedelta(hours=-5))),
        resolved=None, closed=None, is_open=True,
        open_periods=((opened, None),), backlog_periods=((opened, None),),
        reopens=(datetime(2026, 11, 2, 9, 0, tzinfo=UTC),), repeat_of=None,
        satisfaction=None, automation=None, first_response_minutes=330.0,
        resolution_minutes=None, sla=(), follow_ups_done=(),
        kb_links=("KB-NET-001", "Ünïcode «note»"))
    basis = FactsBasis(facts, ((datetime(2026, 11, 1, 1, 0, tzinfo=chicago, fold=1),
                                datetime(2026, 11, 1, 3, 0, tzinfo=chicago)),), ())
    decoded = facts_cache._decode(facts_cache._encode(basis), {})
    assert decoded == basis
    assert [type(m.tzinfo) for m in (decoded.facts.opened, decoded.facts.first_response,
                                     decoded.facts.reopens[0])] == [
        ZoneInfo, timezone, timezone]
    assert decoded.pauses[0][0].fold == 1  # the second 01:00 of that night
    calendar = BusinessCalendar.from_settings(settings)
    moment = datetime(2026, 11, 3, 12, 0, tzinfo=chicago)
    assert with_clocks(decoded, settings, calendar, moment) == \
        with_clocks(basis, settings, calendar, moment)


def metrics_json(root: Path, *args: str) -> str:
    result = run_cli("metrics", "--vault", str(root), "--as-of", AS_OF, "--format", "json",
                     *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("build", [build_repo, pause_repo, update_repo],
                         ids=["desk", "pauses", "updates"])
def test_metrics_from_the_caches_are_byte_identical_to_the_full_computation(
        build: Callable[[Path], Path], tmp_path: Path, computed: list[str]) -> None:
    from opsvault.metrics import Window, as_dict, build_metrics

    root = build(tmp_path / "vault")
    window = ("--since", "2026-11-02", "--until", "2026-12-06")
    cold = metrics_json(root, *window)
    every = len(computed)
    assert every >= 4 and facts_cache.cache_path(root).is_file()
    computed.clear()
    warm = metrics_json(root, *window)
    assert computed == []  # every ticket's facts from the cache, every front matter memo'd
    vault = load_vault(root)
    moment = datetime.fromisoformat(AS_OF)
    library = build_metrics(vault, load_history(root, vault.settings, use_cache=False),
                            Window(date(2026, 11, 2), date(2026, 12, 6)), moment)
    assert warm == cold
    assert json.loads(warm) == json.loads(json.dumps(as_dict(library)))


def test_metrics_reads_only_the_changed_tickets_and_says_the_same(
        tmp_path: Path, computed: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """`metrics` takes the tickets from the ticket index and the facts cache (their KB links
    among their facts): what it could not measure, the KB entries most used and everything
    else are the library's answer for the whole vault; no unchanged ticket is read, and a
    changed one is read alone."""
    from opsvault import model
    from opsvault.metrics import Window, as_dict, build_metrics

    root = build_repo(tmp_path / "vault")
    commit(root, {
        "kb/Network/KB-NET-001-vpn.md": "---\nid: KB-NET-001\ntitle: VPN drops\n---\nBody.\n",
        ticket_path("T-20261124-kb01"): ticket(
            "T-20261124-kb01", opened="2026-11-24T09:00:00-06:00", kb='"[[KB-NET-001]]"'),
        ticket_path("T-20261124-bad1"): ticket(
            "T-20261124-bad1", priority="P9", opened="2026-11-24T10:00:00-06:00"),
        ticket_path("T-20261124-bad2"): ticket("T-20261124-bad2").replace(
            "opened: 2026-11-16T09:00:00-06:00\n", ""),
        "tickets/T-20261124-broken.md": "---\nid: [unclosed\n---\nBody.\n",
    }, "More tickets", "2026-11-24T11:00:00-06:00")
    window = ("--since", "2026-11-02", "--until", "2026-12-06")
    cold = run_cli("metrics", "--vault", str(root), "--as-of", AS_OF, "--format", "json",
                   *window)
    assert cold.exit_code == 0
    assert "T-20261124-broken.md:" in cold.stderr  # named, and the rest still measured
    read: list[str] = []
    original = model.load_file

    def reading(vault_root: Path, rel_path: str, *args: object, **kwargs: object) -> object:
        read.append(rel_path)
        return original(vault_root, rel_path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(model, "load_file", reading)
    monkeypatch.setattr("opsvault.metrics.facts_cache.load_file", reading)
    computed.clear()
    warm = metrics_json(root, *window)
    assert computed == []
    assert not [path for path in read if path.startswith("tickets/")]
    # A second KB link, by the entry's file name, in a ticket's text: that file is read, and
    # the entry counts once for it.
    changed = root / ticket_path("T-20261124-kb01")
    changed.write_text(changed.read_text() + "See also [[KB-NET-001-vpn]].\n")
    changed_answer = metrics_json(root, *window)
    assert [path for path in read if path.startswith("tickets/")] == [
        ticket_path("T-20261124-kb01")]
    monkeypatch.undo()
    vault = load_vault(root)
    history = load_history(root, vault.settings, use_cache=False)
    moment, span = datetime.fromisoformat(AS_OF), Window(date(2026, 11, 2), date(2026, 12, 6))
    library = build_metrics(vault, history, span, moment)
    answer = json.loads(changed_answer)
    assert answer == json.loads(json.dumps(as_dict(library)))
    assert json.loads(warm) == json.loads(cold.stdout) == answer
    assert {item["ticket"] for item in answer["excluded"]} >= {"T-20261124-bad1",
                                                                "T-20261124-bad2"}
    assert [(use["entry"], use["tickets"]) for use in answer["kb"]["most_used"]] == [
        ("KB-NET-001", 1)]


def test_metrics_leaves_the_tickets_that_ended_before_undecoded_and_says_the_same(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a current cache, `metrics` decodes none of the tickets whose span ended before
    its window and the one before it, but the first ticket of a repeat_of chain that reaches
    into the window; what it says is what the full computation says."""
    from opsvault.metrics import Window, as_dict, build_metrics
    from opsvault.metrics.aggregate import counted_from

    root = build_repo(tmp_path / "vault")
    old_closed = dict(CLOSING, resolved="2026-03-03T11:00:00-06:00",
                      closed="2026-03-04T11:00:00-06:00")
    commit(root, {
        ticket_path(OLD_ROOT): ticket(OLD_ROOT, "closed", opened="2026-03-02T09:00:00-06:00",
                                      category="printing", **old_closed),
        ticket_path(OLD_OTHER): ticket(OLD_OTHER, "closed", opened="2026-03-02T10:00:00-06:00",
                                       **old_closed),
    }, "Old tickets", "2026-03-04T11:00:00-06:00")
    commit(root, {ticket_path(NEW_REPEAT): ticket(
        NEW_REPEAT, opened="2026-11-25T09:00:00-06:00", repeat_of=f'"[[{OLD_ROOT}]]"')},
        "It is back", "2026-11-25T09:00:00-06:00")
    cold = metrics_json(root, "--week", "2026-W48")
    decoded: list[str] = []
    original = facts_cache._decode

    def decoding(text: str, shared: dict[object, object]) -> FactsBasis | None:
        basis = original(text, shared)
        if basis is not None:
            decoded.append(basis.facts.ticket_id)
        return basis

    monkeypatch.setattr(facts_cache, "_decode", decoding)
    warm = metrics_json(root, "--week", "2026-W48")
    # The chain's first ticket is looked up (it names the problem); the other is not read.
    assert OLD_ROOT in decoded and OLD_OTHER not in decoded and NEW_REPEAT in decoded
    vault = load_vault(root)
    history = load_history(root, vault.settings, use_cache=False)
    moment, week = datetime.fromisoformat(AS_OF), Window.iso_week("2026-W48")
    facts = ticket_facts(vault, history, moment)
    ended = [f.ticket_id for f in facts
             if f.span[1] < counted_from(week, vault.settings.time_zone)]
    assert {OLD_ROOT, OLD_OTHER} <= set(ended)  # they count in neither week
    assert set(ended) & set(decoded) == {OLD_ROOT}  # of them, only the root was decoded
    answer = json.loads(warm)
    assert answer == json.loads(cold) == json.loads(json.dumps(as_dict(
        build_metrics(vault, history, week, moment))))
    problem = answer["repeats"]["top_problems"][0]
    assert problem["ticket_id"] == OLD_ROOT and problem["title"] == f"Ticket {OLD_ROOT}"
    assert problem["category"] == "printing"
    # A breakdown lists every category any ticket has: it decodes them all.
    decoded.clear()
    by_category = metrics_json(root, "--week", "2026-W48", "--by", "category")
    assert OLD_OTHER in decoded
    assert json.loads(by_category) == json.loads(json.dumps(as_dict(
        build_metrics(vault, history, week, moment, "category"))))


OLD_ROOT, OLD_OTHER, NEW_REPEAT = "T-20260302-old1", "T-20260302-old2", "T-20261125-back"


def test_clocks_are_worked_out_when_first_asked_for_and_equal_the_eager_ones(
        tmp_path: Path) -> None:
    import dataclasses

    from opsvault.metrics.facts import clock_states, facts_basis, technicians_of

    root = pause_repo(tmp_path / "vault")
    vault = load_vault(root)
    history = load_history(root, vault.settings, use_cache=False)
    moment = datetime.fromisoformat(AS_OF)
    facts = ticket_facts(vault, history, moment)
    assert facts and all("_clock_inputs" in f.__dict__ for f in facts)  # none worked out yet
    calendar = BusinessCalendar.from_settings(vault.settings)
    for document, fact in zip(vault.tickets, facts, strict=True):
        basis = facts_basis(document, history.timeline(document.id), vault.settings, calendar,
                            technicians_of(vault))
        assert basis is not None
        # Read at the moment itself, not run on from the ticket's last event.
        eager = tuple(state.reading(document.id, 0) for state in clock_states(
            basis.facts, basis.pauses, basis.contacts, vault.settings, calendar, moment))
        assert fact.sla == eager and len(eager) >= 2
        assert "_clock_inputs" not in fact.__dict__  # worked out once, then kept
        assert dataclasses.asdict(fact)["sla"] == tuple(dataclasses.asdict(c) for c in eager)


def test_in_slices_reads_every_row_past_the_old_sqlite_parameter_limit(tmp_path: Path) -> None:
    import sqlite3

    from opsvault.sqlite_cache import in_slices

    connection = sqlite3.connect(tmp_path / "rows.sqlite")
    connection.execute("CREATE TABLE facts (path TEXT PRIMARY KEY)")
    paths = [f"tickets/T-{n:05d}.md" for n in range(2_001)]
    connection.executemany("INSERT INTO facts VALUES (?)", [(p,) for p in paths])
    queries = in_slices("SELECT path FROM facts WHERE path IN ({})", paths[1:])
    assert [len(values) for _, values in queries] == [900, 900, 200]
    found = [path for query in queries for (path,) in connection.execute(*query)]
    connection.close()
    assert sorted(found) == paths[1:]
    assert in_slices("SELECT 1 WHERE 1 IN ({})", []) == []
