"""What every page generator shares: the vault, the publish policy, the link index, the note
converter, where each file goes, and the moment the site is generated for."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from markupsafe import Markup

from ..diagnostics import Diagnostic
from ..history import History
from ..links import LinkIndex
from ..metrics import TicketFacts
from ..metrics.facts_cache import cached_ticket_facts
from ..model import Document, Script, Ticket, Vault, as_text, link_target
from ..schema import PublishPolicy
from .obsidian import Converted, NoteConverter
from .obsidian.escape import escape_text
from .obsidian.links import link, relative_url
from .paths import (
    TAGS_PAGE,
    TICKETS,
    asset_path,
    is_mail,
    is_reserved,
    staging_path,
    ticket_anchor,
    ticket_month_page,
)
from .staging import StagedFile

TagUse = tuple[str, str, str, str]  # (tag, page, title, kind of document)


@dataclass
class Site:
    """The site being generated from one vault (the converter's `SiteMap`)."""

    vault: Vault
    now: datetime
    history: History | None = None  # ticket timelines from git, when the vault is in git
    index: LinkIndex = field(init=False)
    converter: NoteConverter = field(init=False)
    tags_page: str = TAGS_PAGE
    memo: PageMemo | None = None  # pages of the previous run, kept by `opsvault serve`
    assets: dict[str, str] = field(default_factory=dict)  # vault path → staging path
    problems: list[Diagnostic] = field(default_factory=list)
    # (tag, page, title, kind) of every page's tags, in the order the pages were made
    tag_log: list[TagUse] = field(default_factory=list)
    extras: dict[str, object] = field(default_factory=dict)  # results pages share (reports)

    def __post_init__(self) -> None:
        self.index = LinkIndex(self.vault)
        self.converter = NoteConverter(self.index, self, show_private=self.policy.private_notes)
        self._scripts = {script.path: script for script in self.vault.scripts}
        # Old closed tickets: vault path → (their month's archive page, their anchor there).
        self.archived: dict[str, tuple[str, str]] = {
            ticket.path: (ticket_month_page(self.ticket_month(ticket)), ticket_anchor(ticket.id))
            for ticket in self.vault.tickets
            if ticket.id and self.is_archived(ticket)}

    def ticket_month(self, ticket: Ticket) -> str:
        """The month a ticket was opened in, on the site's clock: its archive page."""
        if ticket.opened is None:
            return "undated"
        return ticket.opened.astimezone(self.vault.settings.time_zone).strftime("%Y-%m")

    def is_archived(self, ticket: Ticket) -> bool:
        """A closed ticket done before `publish.ticket_pages_months` months ago: no page of its
        own, an entry on its month's archive page."""
        months = self.policy.ticket_pages_months
        if not months or ticket.is_active or ticket.status is None:
            return False
        done = ticket.time("closed") or ticket.time("resolved")
        if done is None:
            return False
        today = self.now.astimezone(self.vault.settings.time_zone).date()
        index = today.year * 12 + today.month - 1 - months
        cutoff = date(index // 12, index % 12 + 1, 1)
        return done.astimezone(self.vault.settings.time_zone).date() < cutoff

    @property
    def policy(self) -> PublishPolicy:
        return self.vault.settings.publish

    # --- the converter's questions ----------------------------------------------------------

    def page_of(self, vault_path: str) -> str | None:
        if vault_path.startswith(f"{TICKETS}/") and not self.policy.tickets:
            return None
        if vault_path in self.archived:
            return self.archived[vault_path][0]
        if vault_path in self.index.documents:
            return None if is_reserved(vault_path) else staging_path(vault_path)
        if vault_path in self._scripts:
            return staging_path(vault_path)
        return None

    def asset(self, vault_path: str) -> str | None:
        if vault_path.startswith(f"{TICKETS}/") and not self.policy.tickets:
            return None
        if is_mail(vault_path) and not self.policy.requester_contact:
            return None
        target = asset_path(vault_path)
        self.assets[vault_path] = target
        return target

    def anchor_of(self, vault_path: str) -> str:
        found = self.archived.get(vault_path)
        return found[1] if found and self.policy.tickets else ""

    def hidden_strings(self, document: Document) -> tuple[str, ...]:
        if self.policy.requester_contact or not isinstance(document, Ticket):
            return ()
        requester = document.meta.get("requester")
        if not isinstance(requester, dict):
            return ()
        return tuple(text for key in ("email", "phone")
                     if (text := as_text(requester.get(key))) and len(text) >= 5)

    def hidden_free(self, document: Document, text: str) -> str:
        """`text` with the document's hidden strings blanked."""
        for hidden in self.hidden_strings(document):
            text = text.replace(hidden, "[hidden]")
        return text

    # --- shared helpers ---------------------------------------------------------------------

    def convert(self, document: Document, skip_sections: tuple[str, ...] = ()) -> Converted:
        page = self.page_of(document.path) or staging_path(document.path)
        converted = self.converter.convert(document, page, skip_sections=skip_sections)
        self.problems.extend(converted.problems)
        return converted

    def link_to(self, from_page: str, document: Document | Script, text: str | None = None,
                anchor: str = "") -> Markup:
        """A Markdown link to a document's page, or its plain name when it is not published."""
        label = escape_text(text if text is not None else _label(document))
        target = self.page_of(document.path)
        if target is None:
            return Markup(label)
        title = document.title if isinstance(document, Document) else ""
        anchor = anchor or self.anchor_of(document.path)
        return Markup(link(label, relative_url(from_page, target, anchor), title))

    def register_tags(self, page: str, document: Document, tags: tuple[str, ...]) -> None:
        """Note the page's tags for the tag index."""
        self.tag_log.extend((tag, page, document.title, document.kind) for tag in tags)

    @property
    def tagged(self) -> dict[str, list[tuple[str, str, str]]]:
        """Tag → (page, title, kind) of every page that carries it. As in Obsidian, `#VPN` and
        `#vpn` are one tag; it is named as most pages spell it (the first spelling on a tie)."""
        uses: dict[str, list[tuple[str, str, str]]] = {}
        spellings: dict[str, Counter[str]] = {}
        for tag, page, title, kind in self.tag_log:
            key = tag.lower()
            uses.setdefault(key, []).append((page, title, kind))
            spellings.setdefault(key, Counter())[tag] += 1
        return {spellings[key].most_common(1)[0][0]: found for key, found in uses.items()}

    def document_page(self, source: Document | Script, render: Callable[[], StagedFile],
                      depends_on: object = None) -> StagedFile:
        """The page of one document, rendered by `render` or, in a `serve` session, taken from
        the previous run when neither the document, the vault's outline nor `depends_on`
        (what else the page shows, such as the ticket's SLA state) changed."""
        if self.memo is None:
            return render()
        text = source.source.text if isinstance(source, Document) else source.text
        fingerprint = (text, self.memo.outline, depends_on)
        cached = self.memo.pages.get(source.path)
        if cached is not None and cached.fingerprint == fingerprint:
            self.tag_log.extend(cached.tags)
            self.problems.extend(cached.problems)
            self.assets.update(cached.assets)
            return cached.file
        marks = (len(self.tag_log), len(self.problems), set(self.assets))
        staged = render()
        self.memo.pages[source.path] = MemoPage(
            fingerprint, staged, tuple(self.tag_log[marks[0]:]),
            tuple(self.problems[marks[1]:]),
            {k: v for k, v in self.assets.items() if k not in marks[2]})
        return staged

    def url(self, from_page: str, to_page: str, anchor: str = "") -> str:
        return relative_url(from_page, to_page, anchor)

    def resolve(self, value: object) -> Document | None:
        """The document a front-matter link (`"[[KB-OPS-001]]"`) names, if any."""
        target = link_target(value)
        return self.index.document(target) if target else None

    def script(self, path: str) -> Script | None:
        return self._scripts.get(path)

    @property
    def known_history(self) -> History:
        """The vault's history, or an empty one (metrics then use the files' times)."""
        return self.history if self.history is not None else History(False)

    @cached_property
    def facts(self) -> tuple[TicketFacts, ...]:
        """Per-ticket metrics facts (times, SLA clocks) as of `now`."""
        return cached_ticket_facts(self.vault, self.known_history, self.now)

    @cached_property
    def _facts_by_id(self) -> dict[str, TicketFacts]:
        return {fact.ticket_id: fact for fact in self.facts}

    def fact(self, ticket_id: str | None) -> TicketFacts | None:
        """One ticket's facts (None when the metrics could not read it)."""
        return self._facts_by_id.get(ticket_id) if ticket_id else None

    @cached_property
    def links_to(self) -> dict[str, list[Document]]:
        """Vault path → documents that link to it, in the body or in front matter."""
        found: defaultdict[str, dict[str, Document]] = defaultdict(dict)
        for document in self.vault.documents():
            targets = [link.target for link in document.wikilinks if link.target]
            for key in ("related", "kb", "repeat_of"):
                value = document.meta.get(key)
                for item in value if isinstance(value, list) else [value]:
                    if (target := link_target(item)) is not None:
                        targets.append(target)
            for target in targets:
                path = self.index.resolve(target).path
                if path and path != document.path:
                    found[path][document.path] = document
        return {path: list(documents.values()) for path, documents in found.items()}

    def published_tickets(self) -> tuple[Ticket, ...]:
        return self.vault.tickets if self.policy.tickets else ()

    @property
    def as_of_text(self) -> str:
        """The moment the live numbers were judged at, as every page says it:
        "2026-11-25 14:00 America/Chicago"."""
        settings = self.vault.settings
        return f"{self.now.astimezone(settings.time_zone):%Y-%m-%d %H:%M} " \
               f"{settings.time_zone_name}"

    def follow_ups_due(self) -> list[Ticket]:
        """Published tickets whose planned follow-up day has come, soonest first."""
        today = self.now.astimezone(self.vault.settings.time_zone).date()
        return sorted((t for t in self.published_tickets()
                       if t.follow_up is not None and t.follow_up <= today),
                      key=lambda t: (t.follow_up, t.id or ""))


@dataclass(frozen=True)
class MemoPage:
    fingerprint: tuple[str, str]
    file: StagedFile
    tags: tuple[TagUse, ...]
    problems: tuple[Diagnostic, ...]
    assets: dict[str, str]


@dataclass
class PageMemo:
    """Document pages of the previous generation, for regenerating only what changed.

    A page is reused when its document's text is unchanged and so is the vault's outline:
    everything one page may show about another (ids, titles, aliases, headings, tags, links,
    ticket fields, the text of embedded notes) plus settings, team, history and the day.
    """

    outline: str = ""
    pages: dict[str, MemoPage] = field(default_factory=dict)


def _label(document: Document | Script) -> str:
    if isinstance(document, Document):
        return document.id or document.title
    return document.name
