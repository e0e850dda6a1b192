"""The one schema: vault settings with every default, and the fields of each document kind.

The validator, the workflow commands, the metrics and the site all read their rules from here.
`DEFAULT_SETTINGS_YAML` is both the source of the defaults and the commented `vault/opsvault.yml`
that `opsvault init` writes, so the documentation of a setting cannot drift from its value.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .diagnostics import Diagnostic, VaultError, error, warning
from .files import load_mapping, read_text

if TYPE_CHECKING:
    from .front_matter_memo import SettingsFilesMemo

SETTINGS_PATH = "vault/opsvault.yml"
TEAM_PATH = "vault/team.yml"

DEFAULT_SETTINGS_YAML = """\
# opsvault settings. Every key is optional: delete what you do not change.
# Mappings merge with the defaults key by key (set a key to null to remove it); lists replace.

# Time zone of the help desk: business hours, log times and ISO weeks use it.
time_zone: UTC

business_hours:
  days: [mon, tue, wed, thu, fri]
  start: "08:00"
  end: "17:00"

# Days the business-hours clock does not run (YYYY-MM-DD).
holidays: []

# Ticket categories. owner: the group that handles them; kb_folder: where their KB entries live;
# aliases: other names accepted on input; keywords: words that suggest the category at intake.
categories:
  access:
    title: Access
    owner: IT support
    kb_folder: Access
    aliases: [account, accounts, account-issues, password, mfa]
    keywords: [password, mfa, locked, login, sign in, account, 2fa, permission]
  hardware:
    title: Hardware
    owner: Support tech
    kb_folder: Hardware
    aliases: [device, devices]
    keywords: [laptop, monitor, keyboard, mouse, dock, battery, screen, headset, disk, ups]
  network:
    title: Network
    owner: Support / networking
    kb_folder: Network
    aliases: [networking, wifi]
    keywords: [wifi, wi-fi, vpn, network, vlan, internet, dns, cable, switch]
  software:
    title: Software
    owner: IT support
    kb_folder: Software
    aliases: [application, app]
    keywords: [error, crash, outlook, excel, update, install, license, application]
  printing:
    title: Printing
    owner: Support tech
    kb_folder: Hardware
    aliases: [printer, printers]
    keywords: [printer, print, toner, scan, jam]
  request:
    title: Requests
    owner: IT support
    kb_folder: FAQ
    aliases: [misc, requests, misc-requests]
    keywords: [request, new hire, onboarding, can you, access to]

# Priorities and their SLA targets. Durations: 15m, 4h (clock time), 2bd (business days),
# eod (end of the same business day). clock: 24x7 or business. Optional `update: 4h`: while
# a ticket is worked on (not waiting on the requester), the requester hears from the desk
# at least this often (a technician's Log line or a status change counts as news).
# keywords: words that suggest the priority at intake.
priorities:
  P1:
    label: critical
    description: outage, several users down
    aliases: [critical, p1]
    first_response: 15m
    resolution: 4h
    clock: 24x7
    escalate_to: CTO / senior IT support
    keywords: [outage, down for everyone, all users, everyone, nobody can, whole office, emergency]
  P2:
    label: high
    description: a user or team is blocked
    aliases: [high, p2]
    first_response: 30m
    resolution: 1bd
    clock: business
    escalate_to: IT support
    keywords: [blocked, cannot work, can't work, unable to work, urgent, asap, locked out]
  P3:
    label: medium
    description: work slowed, a workaround exists
    aliases: [medium, p3]
    first_response: eod
    resolution: 3bd
    clock: business
    escalate_to: self
    keywords: [slow, workaround, sometimes, intermittent]
  P4:
    label: low
    description: minor or cosmetic
    aliases: [low, p4]
    first_response: 2bd
    resolution: 5bd
    clock: business
    escalate_to: self
    keywords: [cosmetic, minor, when you have time, no rush, low priority]

# Statuses in workflow order, each with the statuses it may move to.
# Moving from a done status (resolved, closed) back to the reopen status counts as a reopen.
statuses:
  new: [open, resolved]
  open: [in-progress, waiting-on-user, escalated, awaiting-confirmation, resolved]
  in-progress: [waiting-on-user, escalated, awaiting-confirmation, resolved]
  waiting-on-user: [in-progress, escalated, awaiting-confirmation, resolved]
  escalated: [in-progress, awaiting-confirmation, resolved]
  awaiting-confirmation: [in-progress, resolved]
  resolved: [closed, open]
  closed: [open]
initial_status: new
done_statuses: [resolved, closed]
reopen_status: open

channels: [email, phone, walk-in, portal, chat, alert, technician]
levels: [L1, L2, senior]

# Id formats: {date:%Y%m%d} the opening date, {random:4} random base-36 characters (ids that
# cannot collide across clones), {seq:3} the next free number, zero-padded.
ids:
  ticket: "T-{date:%Y%m%d}-{random:4}"
  kb: "KB-OPS-{seq:3}"
  sop: "SOP-{seq:3}"

kb:
  categories: [Access, Hardware, Network, Software, FAQ]
  required_sections: [Symptoms, Resolution Steps, Root Cause, Escalation Path, Prevention]
  optional_sections: [Script Reference]
  stale_after_days: 365

# What the published site may show. tickets: ticket pages and boards; requester_contact:
# requesters' email and phone; private_notes: `%% comments %%` and `## Private` sections.
publish:
  tickets: true
  requester_contact: false
  private_notes: false
  # The help desk's mailbox: the site's "Report a problem" link opens an email to it
  # (for `opsvault intake email`). Empty: no such link.
  report_email: ""
  # Closed tickets older than this many months get no page of their own: each is a compact
  # entry on the archive page of the month it was opened, where links to it lead, so the
  # site's size follows the recent tickets, not the years behind it. 0: every ticket a page.
  ticket_pages_months: 12

workflow:
  commit_each_update: false
  # Status changes committed before this day are not checked against the status table:
  # for history imported from another tool, or old mistakes already on the main branch.
  # history_checked_from: 2026-01-01

# SLA clocks. While a ticket is in one of pause_statuses the desk waits on the requester:
# its resolution clock stops, and goes on where it stopped when the ticket moves on (the due
# time moves by the paused time, on the priority's clock). [] turns pausing off. The first
# response clock is never paused: asking the requester is already a response.
sla:
  pause_statuses: [waiting-on-user]

# `ticket show` and intake point out a possible repeat: a resolved ticket of the same requester
# or device, this many days before, that matches best. They never set `repeat_of` themselves.
search:
  repeat_window_days: 30

# Outgoing mail (SLA notifications). With an smtp_host, messages are sent through it; without
# one they are written as .eml files into the outbox folder for a mail client to send. The
# password is read from the environment variable named here, never from this file.
mail:
  from: ""              # the help desk's address, e.g. "Lakeview IT <helpdesk@example.org>"
  smtp_host: ""
  smtp_port: 587
  security: starttls    # starttls, ssl, or none (a relay on localhost)
  username: ""
  password_env: OPSVAULT_SMTP_PASSWORD
  outbox: outbox

# What `opsvault intake email|alert` assumes when a message does not say.
intake:
  default_category: request
  default_priority: P3
  max_attachment_mb: 10
  # Alertmanager's severity label → priority; other severities get default_priority.
  alert_severity:
    critical: P1
    error: P2
    high: P2
    warning: P3
    info: P4
"""

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CLOCKS = ("24x7", "business")
CONFIRMATION_EXCEPTIONS = ("not-required", "unreachable")
# Who may write a Log line besides technicians.
LOG_AUTHORS = ("requester", "system")
# A technician's Log line that is contact with the requester (it answers the first-response
# target): `ticket log --contact` writes "Contact: …", `ticket reply` "Emailed the requester …".
CONTACT_PREFIXES = ("contact:", "emailed the requester")


# The Log line `ticket follow-up --done` writes; the metrics count them.
FOLLOW_UP_DONE = "Follow-up done"


def is_contact(text: str) -> bool:
    return text.strip().lower().startswith(CONTACT_PREFIXES)


# --- document fields ---------------------------------------------------------------------

@dataclass(frozen=True)
class FieldSpec:
    """What one front-matter key may hold. `kind` names a validator in checks.front_matter."""

    kind: str
    required: bool = False


TICKET_FIELDS: Mapping[str, FieldSpec] = MappingProxyType({
    "id": FieldSpec("ticket-id", required=True),
    "title": FieldSpec("text", required=True),
    "status": FieldSpec("status", required=True),
    "priority": FieldSpec("priority", required=True),
    "category": FieldSpec("category", required=True),
    "opened": FieldSpec("datetime", required=True),
    "channel": FieldSpec("channel"),
    "requester": FieldSpec("requester"),
    "device": FieldSpec("device"),
    "location": FieldSpec("text"),
    "assignee": FieldSpec("handle"),
    "escalated_to": FieldSpec("text"),
    "tags": FieldSpec("tags"),
    "related": FieldSpec("links"),
    "repeat_of": FieldSpec("link"),
    "resolution": FieldSpec("text"),
    "root_cause": FieldSpec("text"),
    "user_confirmed": FieldSpec("datetime"),
    "confirmation": FieldSpec("confirmation"),
    "kb": FieldSpec("link"),
    "satisfaction": FieldSpec("rating"),
    "follow_up": FieldSpec("date"),  # a check-back planned on a resolved ticket (SPEC §7)
    "automation": FieldSpec("script-path"),
    "first_response": FieldSpec("datetime"),
    "resolved": FieldSpec("datetime"),
    "closed": FieldSpec("datetime"),
    "aliases": FieldSpec("tags"),
    "alert_group": FieldSpec("text"),  # Alertmanager groupKey of an alert ticket
    "guessed": FieldSpec("tags"),  # fields intake guessed from keywords, to be checked
    "message_id": FieldSpec("text"),  # the opening email's Message-ID, to thread replies
})
# Explicit times that must not run backwards, in this order.
TICKET_TIME_ORDER = ("opened", "first_response", "resolved", "closed")
REQUESTER_FIELDS = ("name", "email", "phone", "department")
DEVICE_FIELDS = ("name", "asset", "serial", "os", "model")

KB_FIELDS: Mapping[str, FieldSpec] = MappingProxyType({
    "id": FieldSpec("kb-id", required=True),
    "title": FieldSpec("text", required=True),
    "category": FieldSpec("kb-category", required=True),
    "last_updated": FieldSpec("date", required=True),
    "tags": FieldSpec("tags"),
    "aliases": FieldSpec("tags"),
    "script": FieldSpec("script-path"),
    "related": FieldSpec("links"),
})

SOP_FIELDS: Mapping[str, FieldSpec] = MappingProxyType({
    "id": FieldSpec("sop-id", required=True),
    "title": FieldSpec("text", required=True),
    "owner": FieldSpec("handle"),
    "review_every": FieldSpec("period"),
    "tags": FieldSpec("tags"),
    "aliases": FieldSpec("tags"),
    "related": FieldSpec("links"),
})

PAGE_FIELDS: Mapping[str, FieldSpec] = MappingProxyType({
    "title": FieldSpec("text"),
    "tags": FieldSpec("tags"),
    "aliases": FieldSpec("tags"),
})

TECHNICIAN_FIELDS: Mapping[str, FieldSpec] = MappingProxyType({
    "handle": FieldSpec("text", required=True),
    "name": FieldSpec("text", required=True),
    "email": FieldSpec("text"),
    "level": FieldSpec("level", required=True),
    "skills": FieldSpec("tags"),
    "capacity": FieldSpec("count"),
    "active": FieldSpec("bool"),
})

PERIOD_PATTERN = re.compile(r"^(\d+)\s*([dwmy])$")


# --- settings ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Duration:
    """An SLA target: clock minutes/hours, business days, or the end of the business day."""

    text: str
    minutes: int = 0
    business_days: int = 0
    end_of_business_day: bool = False

    @classmethod
    def parse(cls, value: object) -> Duration:
        text = str(value).strip().lower()
        if text in ("eod", "same business day", "same-day"):
            return cls(text, end_of_business_day=True)
        match = re.fullmatch(r"(\d+)\s*(m|min|h|bd)", text)
        if match is None:
            raise ValueError(f"'{value}' is not a duration (examples: 15m, 4h, 2bd, eod)")
        amount, unit = int(match.group(1)), match.group(2)
        if unit == "bd":
            return cls(text, business_days=amount)
        return cls(text, minutes=amount * (60 if unit == "h" else 1))


@dataclass(frozen=True)
class Priority:
    name: str
    label: str
    description: str
    aliases: tuple[str, ...]
    first_response: Duration
    resolution: Duration
    clock: str
    escalate_to: str
    keywords: tuple[str, ...] = ()
    # Optional: the longest the requester may go without news while the ticket is worked on.
    update: Duration | None = None


@dataclass(frozen=True)
class Category:
    name: str
    title: str
    owner: str
    kb_folder: str
    aliases: tuple[str, ...]
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class BusinessHours:
    days: frozenset[int]  # 0 = Monday
    start: time
    end: time


_ID_PLACEHOLDER = re.compile(r"\{(date|random|seq)(?::([^}]*))?\}")
_STRFTIME_PATTERNS = {"%Y": r"\d{4}", "%m": r"\d{2}", "%d": r"\d{2}", "%H": r"\d{2}",
                      "%M": r"\d{2}", "%y": r"\d{2}", "%j": r"\d{3}", "%%": "%"}
ID_ALPHABET = string.digits + string.ascii_lowercase


@dataclass(frozen=True)
class IdFormat:
    """An id template such as `T-{date:%Y%m%d}-{random:4}`: it both makes and recognises ids."""

    template: str
    pattern: re.Pattern[str] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        parts: list[str] = []
        position = 0
        for match in _ID_PLACEHOLDER.finditer(self.template):
            parts.append(re.escape(self.template[position:match.start()]))
            kind, arg = match.group(1), match.group(2) or ""
            if kind == "date":
                fmt = arg or "%Y%m%d"
                parts.append(re.sub(r"%.", lambda m: _STRFTIME_PATTERNS.get(m.group(), ".+?"),
                                    re.escape(fmt).replace("\\%", "%")))
            elif kind == "random":
                parts.append(f"[0-9a-z]{{{int(arg or 4)}}}")
            else:
                parts.append(f"(?P<seq>\\d{{{int(arg or 3)},}})")
            position = match.end()
        parts.append(re.escape(self.template[position:]))
        object.__setattr__(self, "pattern", re.compile("".join(parts)))

    def matches(self, value: str) -> bool:
        return self.pattern.fullmatch(value) is not None

    def make(self, when: datetime | date, existing: Iterable[str] = ()) -> str:
        """A new id: random parts from `secrets`, `{seq}` one past the highest existing number."""
        taken = set(existing)
        next_seq = 1 + max((int(m.group("seq")) for v in taken
                            if (m := self.pattern.fullmatch(v)) and "seq" in m.groupdict()),
                           default=0)

        def fill(match: re.Match[str]) -> str:
            kind, arg = match.group(1), match.group(2) or ""
            if kind == "date":
                return when.strftime(arg or "%Y%m%d")
            if kind == "random":
                import secrets  # only a command that makes a ticket needs it

                return "".join(secrets.choice(ID_ALPHABET) for _ in range(int(arg or 4)))
            return str(next_seq).zfill(int(arg or 3))

        for _ in range(1000):
            candidate = _ID_PLACEHOLDER.sub(fill, self.template)
            if candidate not in taken:
                return candidate
            next_seq += 1
        raise RuntimeError(f"could not find a free id for {self.template}")


@dataclass(frozen=True)
class PublishPolicy:
    tickets: bool
    requester_contact: bool
    private_notes: bool
    report_email: str = ""
    ticket_pages_months: int = 12  # 0: every ticket has a page of its own


MAIL_SECURITY = ("starttls", "ssl", "none")


@dataclass(frozen=True)
class MailSettings:
    sender: str = ""
    smtp_host: str = ""
    smtp_port: int = 587
    security: str = "starttls"
    username: str = ""
    password_env: str = "OPSVAULT_SMTP_PASSWORD"
    outbox: str = "outbox"


@dataclass(frozen=True)
class Settings:
    """Every rule of a vault, defaults merged with `vault/opsvault.yml`."""

    time_zone_name: str
    business_hours: BusinessHours
    holidays: frozenset[date]
    categories: Mapping[str, Category]
    priorities: Mapping[str, Priority]
    transitions: Mapping[str, tuple[str, ...]]  # status → allowed next statuses, in order
    initial_status: str
    done_statuses: tuple[str, ...]
    reopen_status: str
    channels: tuple[str, ...]
    levels: tuple[str, ...]
    ticket_id: IdFormat
    kb_id: IdFormat
    sop_id: IdFormat
    kb_categories: tuple[str, ...]
    kb_required_sections: tuple[str, ...]
    kb_optional_sections: tuple[str, ...]
    kb_stale_after_days: int
    publish: PublishPolicy
    commit_each_update: bool
    history_checked_from: date | None = None
    sla_pause_statuses: tuple[str, ...] = ("waiting-on-user",)
    mail: MailSettings = field(default_factory=MailSettings)
    repeat_window_days: int = 30
    intake_default_category: str = "request"
    intake_default_priority: str = "P3"
    max_attachment_bytes: int = 10 * 1024 * 1024
    alert_severity: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    source_path: str | None = None

    @property
    def time_zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone_name)

    @property
    def statuses(self) -> tuple[str, ...]:
        return tuple(self.transitions)

    def is_active(self, status: str) -> bool:
        return status in self.transitions and status not in self.done_statuses

    def is_reopen(self, old: str, new: str) -> bool:
        return old in self.done_statuses and new == self.reopen_status

    @property
    def resolved_status(self) -> str:
        """The first done status: fixed and confirmed (`resolved`)."""
        return self.done_statuses[0]

    @property
    def closed_status(self) -> str:
        """The last done status: documentation complete (`closed`); the closing rules apply."""
        return self.done_statuses[-1]

    def allowed_next(self, status: str) -> tuple[str, ...]:
        return self.transitions.get(status, ())

    def normalise_priority(self, value: object) -> str | None:
        """`P1`, `p1` or an alias such as `critical` → `P1`; None when unknown."""
        text = str(value).strip()
        if text in self.priorities:
            return text
        lowered = text.lower()
        for priority in self.priorities.values():
            if lowered == priority.name.lower() or lowered in priority.aliases:
                return priority.name
        return None

    def normalise_status(self, value: object) -> str | None:
        """`in-progress`, or as people type it (`In Progress`, `in_progress`) → `in-progress`;
        None when unknown. `check` still reports a value that is not written as the status."""
        text = str(value).strip()
        if text in self.transitions:
            return text
        loose = re.sub(r"[\s_]+", "-", text.lower())
        return loose if loose in self.transitions else None

    def normalise_category(self, value: object) -> str | None:
        text = str(value).strip().lower()
        if text in self.categories:
            return text
        for category in self.categories.values():
            if text in category.aliases or text == category.title.lower():
                return category.name
        return None


def closing_gaps(meta: Mapping[str, Any]) -> list[str]:
    """What a ticket still needs before it may be closed (seed 004's closing rules)."""
    missing = [key for key in ("resolution", "root_cause") if not _has_text(meta.get(key))]
    if not meta.get("user_confirmed") and not meta.get("confirmation"):
        missing.append("user_confirmed (or confirmation: " + "|".join(CONFIRMATION_EXCEPTIONS)
                       + ")")
    return missing


# An email address as `check` accepts it in requester.email and team.yml: one rule for the
# validator and for intake, so that intake never writes an address check rejects.
EMAIL_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def is_email_address(value: object) -> bool:
    return isinstance(value, str) and EMAIL_ADDRESS.match(value) is not None


def _sender_address_valid(sender: str) -> bool:
    """Whether `mail.from` ("Help Desk <help@example.com>" or a bare address) holds a valid
    address; the mail library is loaded only for a vault that sets one."""
    from email.utils import parseaddr

    return is_email_address(parseaddr(sender)[1])


def resolving_gaps(meta: Mapping[str, Any]) -> list[str]:
    """What a ticket needs before it may be resolved or await confirmation: what fixed it."""
    return [] if _has_text(meta.get("resolution")) else ["resolution"]


def _has_text(value: object) -> bool:
    return value is not None and not isinstance(value, Mapping | list | bool) and \
        bool(str(value).strip())


def suggest(value: object, choices: Iterable[str]) -> str:
    """' (did you mean X?)' when `value` is close to one of `choices`, else ''."""
    options = list(choices)
    close = difflib.get_close_matches(str(value), options, n=1, cutoff=0.6)
    if not close:
        close = difflib.get_close_matches(str(value).lower(), [o.lower() for o in options], n=1,
                                          cutoff=0.6)
        close = [o for o in options if o.lower() in close][:1]
    return f" (did you mean '{close[0]}'?)" if close else ""


def default_settings() -> Settings:
    return _defaults()[1]


def load_settings(root: Path, memo: SettingsFilesMemo | None = None
                  ) -> tuple[Settings, list[Diagnostic]]:
    """Settings for the vault at `root`; raises VaultError when the settings file is invalid.

    Returns warnings (e.g. unknown keys) alongside the settings. With `memo`, the settings
    file and the defaults are parsed only if they are not there.
    """
    path = root / SETTINGS_PATH
    if not path.is_file():
        return default_settings(), []
    text, problems = read_text(root, SETTINGS_PATH)
    if text is None:
        raise VaultError(problems)
    parse = memo.load if memo is not None else _load_nested
    default_data = parse(DEFAULT_SETTINGS_YAML, "<defaults>")[0] if memo is not None \
        else _defaults()[0]
    data, lines, problems = parse(text, SETTINGS_PATH)
    if data is None or default_data is None:
        raise VaultError(problems)
    errors = [p for p in problems if p.is_error]
    if errors:
        raise VaultError(errors)
    merged = _merge(default_data, data)
    builder = _SettingsBuilder(merged, lines, SETTINGS_PATH)
    settings = builder.build()
    if builder.errors:
        raise VaultError(builder.errors)
    warnings = [
        warning(SETTINGS_PATH, lines.get(key, 1), "unknown-setting",
                f"unknown setting '{key}'{suggest(key, default_data)}")
        for key in data if key not in default_data
    ]
    return settings, warnings


def _load_nested(text: str, rel_path: str
                 ) -> tuple[Mapping[str, Any] | None, Mapping[str, int], list[Diagnostic]]:
    return load_mapping(text, rel_path, nested_lines=True)


def _merge(defaults: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(defaults)
    for key, value in overrides.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(defaults.get(key), Mapping):
            merged[key] = _merge(defaults[key], value)
        else:
            merged[key] = value
    return merged


class _SettingsBuilder:
    """Turns merged settings data into `Settings`, collecting one error per bad key."""

    def __init__(self, data: Mapping[str, Any], lines: Mapping[str, int], path: str) -> None:
        self.data = data
        self.lines = lines
        self.path = path
        self.errors: list[Diagnostic] = []

    def fail(self, key: str, message: str) -> None:
        line = 1
        probe = key
        while probe:
            if probe in self.lines:
                line = self.lines[probe]
                break
            probe = probe.rpartition(".")[0]
        self.errors.append(error(self.path, line, "invalid-setting", f"setting '{key}': {message}"))

    def get(self, key: str, expected: type | tuple[type, ...], default: Any = None) -> Any:
        value: Any = self.data
        for part in key.split("."):
            if not isinstance(value, Mapping) or part not in value:
                return default
            value = value[part]
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            first = expected if isinstance(expected, type) else expected[0]
            self.fail(key, f"expected {_TYPE_WORDS.get(first, first.__name__)}, got {value!r}")
            return default
        return value

    def strings(self, key: str) -> tuple[str, ...]:
        values = self.get(key, list, [])
        if not all(isinstance(v, str | int | float) for v in values):
            self.fail(key, "expected a list of names")
            return ()
        return tuple(str(v) for v in values)

    def build(self) -> Settings:
        time_zone = str(self.get("time_zone", str, "UTC"))
        try:
            ZoneInfo(time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            self.fail("time_zone", f"unknown time zone '{time_zone}' (example: Europe/Berlin)")
            time_zone = "UTC"
        transitions = self._transitions()
        initial = str(self.get("initial_status", str, "new"))
        done = self.strings("done_statuses")
        reopen = str(self.get("reopen_status", str, "open"))
        for key, names in (("initial_status", (initial,)), ("done_statuses", done),
                           ("reopen_status", (reopen,))):
            for name in names:
                if transitions and name not in transitions:
                    self.fail(key, f"'{name}' is not a status{suggest(name, transitions)}")
        if not done:
            self.fail("done_statuses", "at least one status is needed (e.g. [resolved, closed])")
        kb_categories = self.strings("kb.categories")
        categories = self._categories(kb_categories)
        stale = self.get("kb.stale_after_days", int, 365)
        if stale < 1:
            self.fail("kb.stale_after_days", "must be at least 1")
        return Settings(
            time_zone_name=time_zone,
            business_hours=self._business_hours(),
            holidays=self._holidays(),
            categories=MappingProxyType(categories),
            priorities=MappingProxyType(self._priorities()),
            transitions=MappingProxyType(transitions),
            initial_status=initial,
            done_statuses=done,
            reopen_status=reopen,
            channels=self.strings("channels"),
            levels=self.strings("levels"),
            ticket_id=self._id_format("ids.ticket", "T-{date:%Y%m%d}-{random:4}"),
            kb_id=self._id_format("ids.kb", "KB-OPS-{seq:3}"),
            sop_id=self._id_format("ids.sop", "SOP-{seq:3}"),
            kb_categories=kb_categories,
            kb_required_sections=self.strings("kb.required_sections"),
            kb_optional_sections=self.strings("kb.optional_sections"),
            kb_stale_after_days=stale,
            publish=PublishPolicy(
                tickets=bool(self.get("publish.tickets", bool, True)),
                requester_contact=bool(self.get("publish.requester_contact", bool, False)),
                private_notes=bool(self.get("publish.private_notes", bool, False)),
                report_email=str(self.get("publish.report_email", str, "") or "").strip(),
                ticket_pages_months=self._ticket_pages_months(),
            ),
            commit_each_update=bool(self.get("workflow.commit_each_update", bool, False)),
            history_checked_from=self._optional_date("workflow.history_checked_from"),
            sla_pause_statuses=self._pause_statuses(transitions, done),
            mail=self._mail(),
            repeat_window_days=self._repeat_window(),
            **self._intake(categories),
            source_path=self.path,
        )

    def _ticket_pages_months(self) -> int:
        months = self.get("publish.ticket_pages_months", int, 12)
        if months < 0:
            self.fail("publish.ticket_pages_months",
                      "must be 0 or more (0: every ticket has a page of its own)")
            return 12
        return int(months)

    def _repeat_window(self) -> int:
        days = self.get("search.repeat_window_days", int, 30)
        if days < 0:
            self.fail("search.repeat_window_days", "must be 0 or more (0: no repeat hints)")
            return 30
        return int(days)

    def _mail(self) -> MailSettings:
        security = str(self.get("mail.security", str, "starttls")).lower()
        if security not in MAIL_SECURITY:
            self.fail("mail.security", f"'{security}' is not one of {', '.join(MAIL_SECURITY)}")
            security = "starttls"
        port = self.get("mail.smtp_port", int, 587)
        if not 0 < port < 65536:
            self.fail("mail.smtp_port", "must be a port number (1–65535)")
            port = 587
        sender = str(self.get("mail.from", str, "") or "").strip()
        if sender and not _sender_address_valid(sender):
            self.fail("mail.from", f"'{sender}' has no valid email address")
        outbox = str(self.get("mail.outbox", str, "outbox") or "outbox").strip().strip("/")
        if outbox.startswith("..") or Path(outbox).is_absolute() or "/../" in f"/{outbox}/":
            self.fail("mail.outbox", "must be a folder inside the vault")
            outbox = "outbox"
        return MailSettings(
            sender=sender, smtp_host=str(self.get("mail.smtp_host", str, "") or "").strip(),
            smtp_port=port, security=security,
            username=str(self.get("mail.username", str, "") or "").strip(),
            password_env=str(self.get("mail.password_env", str, "OPSVAULT_SMTP_PASSWORD")),
            outbox=outbox)

    def _pause_statuses(self, transitions: Mapping[str, tuple[str, ...]],
                        done: tuple[str, ...]) -> tuple[str, ...]:
        pause = self.strings("sla.pause_statuses")
        for name in pause:
            if transitions and name not in transitions:
                self.fail("sla.pause_statuses", f"'{name}' is not a status"
                                                f"{suggest(name, transitions)}")
            elif name in done:
                self.fail("sla.pause_statuses", f"'{name}' is a done status: its clock has "
                                                "already stopped")
        return tuple(name for name in pause if name in transitions and name not in done)

    def _intake(self, categories: Mapping[str, Category]) -> dict[str, Any]:
        priorities = self.get("priorities", Mapping, {})
        category = str(self.get("intake.default_category", str, "request"))
        if categories and category not in categories:
            self.fail("intake.default_category",
                      f"'{category}' is not a category{suggest(category, categories)}")
        priority = str(self.get("intake.default_priority", str, "P3"))
        if priorities and priority not in priorities:
            self.fail("intake.default_priority",
                      f"'{priority}' is not a priority{suggest(priority, priorities)}")
        severity: dict[str, str] = {}
        for label, value in self.get("intake.alert_severity", Mapping, {}).items():
            if priorities and str(value) not in priorities:
                self.fail(f"intake.alert_severity.{label}",
                          f"'{value}' is not a priority{suggest(value, priorities)}")
            severity[str(label).lower()] = str(value)
        size_mb = self.get("intake.max_attachment_mb", int, 10)
        if size_mb < 0:
            self.fail("intake.max_attachment_mb", "must be 0 or more")
        return {"intake_default_category": category, "intake_default_priority": priority,
                "alert_severity": MappingProxyType(severity),
                "max_attachment_bytes": size_mb * 1024 * 1024}

    def _business_hours(self) -> BusinessHours:
        days: set[int] = set()
        for day in self.strings("business_hours.days"):
            short = day.lower()[:3]
            if short in WEEKDAYS:
                days.add(WEEKDAYS.index(short))
            else:
                self.fail("business_hours.days", f"'{day}' is not a weekday (mon … sun)")
        start = self._clock_time("business_hours.start", time(8))
        end = self._clock_time("business_hours.end", time(17))
        if start >= end:
            self.fail("business_hours.end", "must be later than business_hours.start")
        if not days:
            self.fail("business_hours.days", "needs at least one weekday")
        return BusinessHours(frozenset(days), start, end)

    def _clock_time(self, key: str, default: time) -> time:
        value = self.get(key, (str, int), None)
        if value is None:
            return default
        if isinstance(value, int):  # YAML 1.1 reads an unquoted 08:00 as sexagesimal minutes
            return time(value // 60 % 24, value % 60)
        try:
            return time.fromisoformat(value)
        except ValueError:
            self.fail(key, f"'{value}' is not a time of day (example: \"08:30\")")
            return default

    def _optional_date(self, key: str) -> date | None:
        value = self.get(key, (date, str), None)
        if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.fail(key, f"'{value}' is not a date (YYYY-MM-DD)")
            return None

    def _holidays(self) -> frozenset[date]:
        days: set[date] = set()
        for value in self.get("holidays", list, []):
            if isinstance(value, date) and not isinstance(value, datetime):
                days.add(value)
                continue
            try:
                days.add(date.fromisoformat(str(value)))
            except ValueError:
                self.fail("holidays", f"'{value}' is not a date (YYYY-MM-DD)")
        return frozenset(days)

    def _categories(self, kb_categories: tuple[str, ...]) -> dict[str, Category]:
        categories: dict[str, Category] = {}
        for name, spec in self.get("categories", Mapping, {}).items():
            key = f"categories.{name}"
            if not isinstance(spec, Mapping):
                self.fail(key, "expected a mapping (title, owner, kb_folder, aliases, keywords)")
                continue
            folder = str(spec.get("kb_folder", ""))
            if folder and kb_categories and folder not in kb_categories:
                self.fail(f"{key}.kb_folder",
                          f"'{folder}' is not one of kb.categories{suggest(folder, kb_categories)}")
            categories[str(name)] = Category(
                name=str(name),
                title=str(spec.get("title", str(name).title())),
                owner=str(spec.get("owner", "")),
                kb_folder=folder,
                aliases=tuple(str(a).lower() for a in spec.get("aliases") or ()),
                keywords=tuple(str(k).lower() for k in spec.get("keywords") or ()),
            )
        if not categories:
            self.fail("categories", "at least one category is needed")
        return categories

    def _priorities(self) -> dict[str, Priority]:
        priorities: dict[str, Priority] = {}
        for name, spec in self.get("priorities", Mapping, {}).items():
            key = f"priorities.{name}"
            if not isinstance(spec, Mapping):
                self.fail(key, "expected a mapping (label, first_response, resolution, clock)")
                continue
            clock = str(spec.get("clock", "business"))
            if clock not in CLOCKS:
                self.fail(f"{key}.clock", f"'{clock}' is not a clock{suggest(clock, CLOCKS)}; "
                                          "use 24x7 or business")
            targets = {}
            for target in ("first_response", "resolution"):
                try:
                    targets[target] = Duration.parse(spec.get(target, "5bd"))
                except ValueError as exc:
                    self.fail(f"{key}.{target}", str(exc))
                    targets[target] = Duration.parse("5bd")
            update = None
            if spec.get("update") not in (None, ""):
                try:
                    update = Duration.parse(spec.get("update"))
                except ValueError as exc:
                    self.fail(f"{key}.update", str(exc))
            priorities[str(name)] = Priority(
                name=str(name),
                label=str(spec.get("label", name)),
                description=str(spec.get("description", "")),
                aliases=tuple(str(a).lower() for a in spec.get("aliases") or ()),
                first_response=targets["first_response"],
                resolution=targets["resolution"],
                clock=clock,
                escalate_to=str(spec.get("escalate_to", "")),
                keywords=tuple(str(k).lower() for k in spec.get("keywords") or ()),
                update=update,
            )
        if not priorities:
            self.fail("priorities", "at least one priority is needed")
        return priorities

    def _transitions(self) -> dict[str, tuple[str, ...]]:
        table = self.get("statuses", Mapping, {})
        transitions: dict[str, tuple[str, ...]] = {}
        for status, targets in table.items():
            if targets is None:
                targets = []
            if not isinstance(targets, list):
                self.fail(f"statuses.{status}", "expected a list of next statuses")
                targets = []
            transitions[str(status)] = tuple(str(t) for t in targets)
        for status, targets in transitions.items():
            for target in targets:
                if target not in transitions:
                    self.fail(f"statuses.{status}",
                              f"'{target}' is not a status{suggest(target, transitions)}")
        if not transitions:
            self.fail("statuses", "at least one status is needed")
        return transitions

    def _id_format(self, key: str, default: str) -> IdFormat:
        template = str(self.get(key, str, default))
        if not _ID_PLACEHOLDER.search(template):
            self.fail(key, "needs a {random:N} or {seq:N} part so ids differ")
            template = default
        try:
            return IdFormat(template)
        except (ValueError, re.error) as exc:
            self.fail(key, f"invalid id format: {exc}")
            return IdFormat(default)


_TYPE_WORDS: Mapping[type, str] = {Mapping: "a mapping", list: "a list", str: "text",
                                   int: "a whole number", bool: "true or false"}


@functools.cache
def _defaults() -> tuple[Mapping[str, Any], Settings]:
    """The default settings' values and the settings they make: parsed when first needed
    (a vault with a settings file read before needs neither)."""
    data, lines, problems = load_mapping(DEFAULT_SETTINGS_YAML, "<defaults>", nested_lines=True)
    assert data is not None and not problems, problems
    builder = _SettingsBuilder(data, lines, "<defaults>")
    settings = builder.build()
    assert not builder.errors, builder.errors
    return data, dataclasses.replace(settings, source_path=None)
