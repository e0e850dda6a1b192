"""How often `kb suggest` puts the right entry first: for every ticket of a vault that links a
KB entry (`kb:` or `related:`), hide the link — the front-matter keys and every `[[…]]` or
KB id in its text — rank, and count whether a linked entry is first (recall@1) or in the top
three (recall@3). Once with the whole ticket (title, description, Log), once with what intake
knows (title and description). Prints the figures, the targets and every miss.

    python bench/suggest_quality.py              # the demo vault, then the synthetic one
    python bench/suggest_quality.py --vault DIR  # one vault of your own

The synthetic vault (`quality_vault.py`) has near-miss entries and tickets written with the
words, synonyms and typos requesters use.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from quality_vault import write_quality_vault

from opsvault.checks import run_checks
from opsvault.model import as_strings, link_target, load_vault
from opsvault.search import open_index, query_for_ticket, suggest

TARGETS = {"whole ticket": (0.9, 0.95), "intake": (None, 0.85)}
_LINKS = re.compile(r"!?\[\[[^\]]*\]\]|\b(?:KB-[A-Z]+-\d+|SOP-\d+)\b")


def linked_entries(ticket, ids_to_paths):  # type: ignore[no-untyped-def]
    targets = [link_target(ticket.meta.get("kb"))]
    targets += [link_target(value) for value in as_strings(ticket.meta.get("related"))]
    return {ids_to_paths[t] for t in targets if t in ids_to_paths}


def measure(root: Path) -> bool:
    """Print recall@1 and @3 for the vault at `root`, both ways, and the misses; whether every
    target was met."""
    vault = load_vault(root)
    ids_to_paths = {e.id: e.path for e in vault.kb if e.id}
    index = open_index(vault, persist=False)
    cases = [(t, linked_entries(t, ids_to_paths)) for t in vault.tickets]
    cases = [(t, wanted) for t, wanted in cases if wanted]
    met = True
    for mode, with_log in (("whole ticket", True), ("intake", False)):
        first = top3 = 0
        misses = []
        for ticket, wanted in cases:
            text = _LINKS.sub(" ", query_for_ticket(ticket, with_log=with_log))
            ranked = [s.path for s in suggest(index, text, 10) if s.kind == "kb"]
            first += bool(ranked[:1] and ranked[0] in wanted)
            top3 += bool(set(ranked[:3]) & wanted)
            if not set(ranked[:3]) & wanted:
                misses.append(f"    {ticket.id} {ticket.title[:50]!r}: wanted "
                              f"{sorted(wanted)}, got {ranked[:3]}")
        n = len(cases)
        want1, want3 = TARGETS[mode]
        r1, r3 = first / n, top3 / n
        ok = (want1 is None or r1 >= want1) and r3 >= want3
        met &= ok
        print(f"  {mode:<13} {n} tickets  recall@1 {r1:.2f}"
              f"{f' (target {want1})' if want1 else ''}  recall@3 {r3:.2f} (target {want3})"
              f"  {'met' if ok else 'MISSED'}")
        print("\n".join(misses) if misses else "      no misses in the top three")
    index.close()
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--vault", type=Path, help="measure only this vault")
    args = parser.parse_args()
    if args.vault:
        print(args.vault)
        return 0 if measure(args.vault) else 1
    print("demo vault")
    met = measure(Path(__file__).resolve().parents[1])
    with tempfile.TemporaryDirectory() as folder:
        count = write_quality_vault(Path(folder))
        findings = [d for d in run_checks(load_vault(folder)) if d.severity == "error"]
        assert not findings, findings[:3]  # its tickets read as users' tickets do
        print(f"synthetic vault ({count} tickets, bench/quality_vault.py)")
        met &= measure(Path(folder))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
