"""Reading one inbound email message the way a forgiving mail client does.

The standard library's `email` package parses the MIME structure; around it this module repairs
what real mail gets wrong (a stray header line before `From:`, an unquoted Outlook Express
boundary, undeclared 8-bit headers, charset labels Python does not know, stateful encodings
split across encoded words), keeps every part a person would want (forwarded messages as `.eml`,
attachments whatever their transfer encoding, uuencoded blocks inside the text) and turns HTML
into text with `inscriptis` (tables keep their cells apart, lists their bullets, links their
URLs). Charset labels are looked up with `webencodings` (the WHATWG label table browsers use).
"""

from __future__ import annotations

import binascii
import codecs
import email
import email.policy
import mimetypes
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.header import decode_header
from email.message import EmailMessage, Message
from email.utils import getaddresses, parsedate_to_datetime

import lxml.etree
import lxml.html
import webencodings
from inscriptis import Inscriptis
from inscriptis.css_profiles import CSS_PROFILES
from inscriptis.model.config import ParserConfig
from inscriptis.model.html_document_state import HtmlDocumentState
from inscriptis.model.tag import CustomHtmlTagHandlerMapping

from ..mail.automatic import Automatic, classify
from ..model import in_supported_range
from . import IntakeError

MAX_MESSAGE_BYTES = 50 * 1024 * 1024
MAX_NESTING = 5  # forwarded messages inside forwarded messages: deeper ones are kept, not read
_SAFE_NAME_CHARACTERS = re.compile(r"[^A-Za-z0-9._-]+")
_WINDOWS_RESERVED = re.compile(r"^(?:con|prn|aux|nul|com\d|lpt\d)(?:\.|$)", re.I)
_HEADER_LINE = re.compile(rb"^[!-9;-~]+[ \t]*:")
_UNQUOTED_BOUNDARY = re.compile(rb'(?i)(\bboundary[ \t]*=[ \t]*)([^"\s;][^\s;]*)')
_UU_BEGIN = re.compile(r"^begin [0-7]{3,4} (\S.*?)\s*$")
_LINK_SCHEMES = ("http://", "https://", "mailto:")
_BOUNDARY_DEFECTS = (email.errors.StartBoundaryNotFoundDefect,
                     email.errors.CloseBoundaryNotFoundDefect)


@dataclass(frozen=True)
class Attachment:
    name: str  # sanitised file name
    data: bytes


@dataclass(frozen=True)
class Forwarded:
    """A message carried inside another (message/rfc822): quoted, and saved as `.eml`."""

    sender: str
    date: datetime | None
    subject: str
    text: str
    saved_as: str  # the attachment name it is saved under ("" when over the size limit)


@dataclass(frozen=True)
class IncomingEmail:
    """What opsvault takes from one email message."""

    subject: str
    sender_name: str | None
    sender_email: str
    date: datetime | None
    text: str  # the body as plain text
    attachments: tuple[Attachment, ...]
    forwarded: tuple[Forwarded, ...]
    skipped: tuple[str, ...]  # attachments left out, each with the reason
    notes: tuple[str, ...] = ()  # repairs a person should know about
    automatic: Automatic | None = None  # an auto-reply, bounce or receipt: no ticket for it
    message_id: str | None = None  # `<…@…>`, for threading the desk's replies


# --- characters -------------------------------------------------------------------------------

def _codec(label: str | None) -> codecs.CodecInfo | None:
    if not label:
        return None
    label = label.strip().strip('"').lower()
    known = webencodings.lookup(label)
    if known is not None:
        return known.codec_info
    try:
        return codecs.lookup(label)
    except (LookupError, ValueError):
        return None


def decode_text(data: bytes, declared: str | None = None) -> tuple[str, str | None]:
    """Bytes as text: the declared charset, else UTF-8, else Windows-1252, else Latin-1.

    Latin-1 maps every byte, so nothing becomes U+FFFD; the second value says what was assumed
    when the declared charset was unknown or did not fit the bytes."""
    codec = _codec(declared)
    if codec is not None:
        try:
            return codec.decode(data, "strict")[0], None
        except (UnicodeDecodeError, ValueError):
            pass
    for fallback in ("utf-8", "cp1252", "latin-1"):
        try:
            text = data.decode(fallback)
        except UnicodeDecodeError:
            continue
        if not declared or (codec is not None and codec.name == "ascii"):
            return text, None
        reason = "is unknown" if codec is None else "does not fit the text"
        return text, f"the charset {declared!r} {reason}; read as {fallback}"
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def _has_raw_bytes(text: str) -> bool:
    """8-bit header bytes reach us as surrogate escapes."""
    return any("\udc80" <= c <= "\udcff" for c in text)


def decode_header_value(raw: str) -> str:
    """A header's text: 8-bit bytes decoded, encoded words (RFC 2047) decoded, on one line.

    Adjacent encoded words in one charset are joined before decoding, so a stateful charset
    (ISO-2022-JP) split between words still reads."""
    raw = re.sub(r"\r?\n[ \t]+", " ", raw)
    if _has_raw_bytes(raw):
        raw = decode_text(raw.encode("ascii", "surrogateescape"))[0]
    try:
        chunks = decode_header(raw)
    except (ValueError, binascii.Error, UnicodeError, email.errors.HeaderParseError):
        return _header_line(raw)  # a broken encoded word is shown as it came
    words: list[str] = []
    for chunk, charset in chunks:
        if isinstance(chunk, str):
            words.append(chunk)
        elif charset is None:
            words.append(chunk.decode("raw-unicode-escape", "replace"))
        else:
            words.append(decode_text(chunk, charset)[0])
    return _header_line("".join(words))


def _header_line(text: str) -> str:
    """Header text on one line, without control characters (a NUL, an escape): a name or
    subject goes into a note, which must stay text."""
    return " ".join("".join(c if c.isprintable() or c.isspace() else "" for c in text).split())


# --- repairing the raw message ------------------------------------------------------------------

def _repair_header_block(data: bytes) -> tuple[bytes, list[str]]:
    """Drop lines in the header block that are not header fields (the parser would otherwise
    end the headers there and lose `From:`); an mbox `From ` line is left to the parser."""
    end = re.search(rb"\r?\n\r?\n", data)
    if end is None:
        return data, []
    lines = data[:end.start()].split(b"\n")
    kept: list[bytes] = []
    notes: list[str] = []
    for number, line in enumerate(lines, start=1):
        stripped = line.rstrip(b"\r")
        header_follows = any(_HEADER_LINE.match(later) for later in lines[number:])
        if (_HEADER_LINE.match(stripped) or stripped[:1] in (b" ", b"\t")
                or (number == 1 and stripped.startswith(b"From "))
                or not header_follows):
            kept.append(line)
        else:
            shown = stripped.decode("ascii", "replace")[:60]
            notes.append(f"header line {number} is not a header field and was ignored: {shown!r}")
    if not notes:
        return data, []
    return b"\n".join(kept) + data[end.start():], notes


def _boundary_broken(message: Message) -> bool:
    return any(isinstance(defect, _BOUNDARY_DEFECTS)
               for part in message.walk() for defect in part.defects)


def _parse(data: bytes) -> EmailMessage:
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    if _boundary_broken(message):
        # `boundary=----=_NextPart_…` unquoted: the parser stops the boundary at "=".
        repaired = _UNQUOTED_BOUNDARY.sub(rb'\1"\2"', data)
        if repaired != data:
            again = email.message_from_bytes(repaired, policy=email.policy.default)
            assert isinstance(again, EmailMessage)
            if not _boundary_broken(again):
                return again
    return message


# --- names -----------------------------------------------------------------------------------

def sanitise_filename(name: str | None, fallback: str = "attachment") -> str:
    """A safe file name: the last path part, ASCII letters/digits/._- only, no leading dots."""
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode()
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(c for c in text if c.isprintable())
    text = _SAFE_NAME_CHARACTERS.sub("-", text.strip())
    text = re.sub(r"\.{2,}", ".", text).strip(".-_")
    if _WINDOWS_RESERVED.match(text):
        text = "file-" + text
    if not text:
        return fallback
    stem, dot, extension = text.rpartition(".")
    if dot and stem and len(extension) <= 10:
        return f"{stem[:80]}.{extension}"
    return text[:90]


def unique_name(name: str, taken: set[str]) -> str:
    """`name`, or `name-2`, `name-3`… so that no two files in a folder collide."""
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        stem, extension = name, ""
    candidate, number = name, 1
    while candidate.lower() in taken:
        number += 1
        candidate = f"{stem}-{number}" + (f".{extension}" if extension else "")
    taken.add(candidate.lower())
    return candidate


def _filename(part: Message) -> str | None:
    try:
        name = part.get_filename()
    except (ValueError, TypeError, IndexError):
        return None
    return decode_header_value(name) if name else None


# --- HTML ------------------------------------------------------------------------------------

def _markdown_bullets(state: HtmlDocumentState, _: dict[str, str]) -> None:
    """Every unordered list level bulleted "- " (inscriptis varies * + o -): Markdown's own."""
    state.li_counter.append("- ")


def html_to_text(html: str) -> str:
    """The readable text of an HTML part; nothing in it is run or kept as markup.

    Table cells are kept apart with " | ", list items keep bullets or numbers, and a link keeps
    its http(s)/mailto URL (other schemes are dropped)."""
    try:
        tree = lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return ""
    for link in tree.iter("a"):
        href = (link.get("href") or "").strip()
        if not href.lower().startswith(_LINK_SCHEMES):
            link.attrib.pop("href", None)
    config = ParserConfig(
        css=CSS_PROFILES["strict"], display_links=True, table_cell_separator=" | ",
        custom_html_tag_handler_mapping=CustomHtmlTagHandlerMapping({"ul": _markdown_bullets}, {}))
    text = Inscriptis(tree, config).get_text()
    lines = [line.rstrip() for line in text.splitlines()]
    # Only blank lines are trimmed: a first list item keeps its indent like the others.
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


# --- the parts of a message ---------------------------------------------------------------------

def _payload_bytes(part: Message) -> bytes:
    payload = part.get_payload(decode=True)
    if isinstance(payload, bytes) and payload:
        return payload
    raw = part.get_payload()
    if isinstance(raw, str):  # an encoding the standard library could not undo
        return raw.encode("utf-8", "surrogateescape")
    if isinstance(raw, list):  # message/delivery-status and other header-block parts
        return b"\n".join(_message_bytes(item) for item in raw)
    return b""


def _message_bytes(message: Message) -> bytes:
    try:
        return message.as_bytes(policy=email.policy.compat32)
    except (UnicodeError, ValueError, TypeError, LookupError):
        return message.as_string(policy=email.policy.compat32).encode("utf-8", "surrogateescape")


def _text_of(part: Message, notes: list[str]) -> str:
    text, note = decode_text(_payload_bytes(part), part.get_content_charset())
    if note:
        notes.append(note)
    if part.get_content_type() == "text/html":
        return html_to_text(text)
    return text.replace("\r\n", "\n").strip()


def _is_body_text(part: Message) -> bool:
    return (part.get_content_type() in ("text/plain", "text/html")
            and part.get_content_disposition() != "attachment"
            and not part.get_filename())


def _best_alternative(parts: list[Message]) -> Message | None:
    """Plain text when it says something, else the richest part (the last, per RFC 2046)."""
    for part in parts:
        if part.get_content_type() == "text/plain" and _payload_bytes(part).strip():
            return part
    return parts[-1] if parts else None


def _split_uuencoded(text: str, notes: list[str]) -> tuple[str, list[tuple[str, bytes]]]:
    """Classic `begin 644 name … end` blocks inside a text body, taken out as files."""
    lines = text.split("\n")
    kept: list[str] = []
    files: list[tuple[str, bytes]] = []
    index = 0
    while index < len(lines):
        start = _UU_BEGIN.match(lines[index])
        end = next((i for i in range(index + 1, len(lines)) if lines[i].strip() == "end"), None)
        if start is None or end is None:
            kept.append(lines[index])
            index += 1
            continue
        try:
            data = b"".join(_uu_line(line) for line in lines[index + 1:end] if line.strip())
        except (binascii.Error, ValueError):  # bad characters, or not ASCII at all
            notes.append(f"a uuencoded block ({start.group(1)}) could not be decoded; kept as text")
            kept.extend(lines[index:end + 1])
        else:
            files.append((start.group(1), data))
        index = end + 1
    return "\n".join(kept).strip(), files


def _uu_line(line: str) -> bytes:
    line = line.rstrip("\r")
    try:
        return binascii.a2b_uu(line)
    except binascii.Error:
        # Some encoders pad lines with extra characters; the length byte says what counts.
        count = (((ord(line[0]) - 32) & 63) * 4 + 5) // 3
        return binascii.a2b_uu(line[:count])


@dataclass
class _Contents:
    texts: list[str] = field(default_factory=list)
    files: list[tuple[str | None, str, bytes]] = field(default_factory=list)  # name, type, data
    forwarded: list[tuple[Message, bytes]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _collect(part: Message, contents: _Contents, text_wanted: bool = True) -> None:
    content_type = part.get_content_type()
    if content_type == "message/rfc822":
        inner = part.get_payload(0) if part.is_multipart() else None
        if isinstance(inner, Message):
            contents.forwarded.append((inner, _message_bytes(inner)))
        else:  # a base64-encoded forward: the payload is the message's bytes
            data = _payload_bytes(part)
            contents.forwarded.append((email.message_from_bytes(
                data, policy=email.policy.default), data))
        return
    if part.is_multipart():
        children = list(part.iter_parts())
        best = _best_alternative(children) if content_type == "multipart/alternative" else None
        for child in children:
            # The other alternatives say the same in another form; their images still count.
            _collect(child, contents, text_wanted and (best is None or child is best))
        return
    if _is_body_text(part):
        if text_wanted:
            contents.texts.append(_text_of(part, contents.notes))
        return
    contents.files.append((_filename(part), content_type, _payload_bytes(part)))


def _sender(message: Message) -> tuple[str, str]:
    """The first From: address and its display name (decoded only after the address list is
    split, so an encoded "Shah, Priya" stays one name)."""
    raw = []
    for key, value in message.raw_items():
        if key.lower() == "from":
            value = re.sub(r"\r?\n[ \t]+", " ", str(value))
            if _has_raw_bytes(value):
                value = decode_text(value.encode("ascii", "surrogateescape"))[0]
            raw.append(value)
    try:
        senders = getaddresses(raw)
    except (ValueError, TypeError, IndexError):
        senders = []
    return next(((decode_header_value(name), address) for name, address in senders
                 if "@" in address), ("", ""))


def _raw_header(message: Message, name: str) -> str:
    return next((str(value) for key, value in message.raw_items() if key.lower() == name), "")


def _message_id(header: str) -> str | None:
    found = re.search(r"<[^<>\s]{3,250}@[^<>\s]{1,250}>", header)
    return found.group(0) if found else None


def _date(header: str) -> datetime | None:
    if not header.strip():
        return None
    try:
        parsed = parsedate_to_datetime(header.strip())
    except (TypeError, ValueError, IndexError):
        return None
    parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    # A year no ticket may carry (a damaged or forged header): the message counts as undated.
    return parsed if in_supported_range(parsed) else None


def _read(message: Message, depth: int) -> tuple[_Contents, list[Forwarded], list[str]]:
    """The text, files and forwarded messages of `message` (forwards read `depth` deep)."""
    contents = _Contents()
    _collect(message, contents)
    text_pieces: list[str] = []
    for piece in contents.texts:
        piece, files = _split_uuencoded(piece, contents.notes)
        text_pieces.append(piece)
        contents.files.extend((name, "application/octet-stream", data) for name, data in files)
    contents.texts = [piece for piece in text_pieces if piece]
    forwards: list[Forwarded] = []
    names: list[str] = []
    for inner, _ in contents.forwarded:
        subject = decode_header_value(_raw_header(inner, "subject"))
        name, address = _sender(inner)
        if depth < MAX_NESTING:
            inner_contents, _, _ = _read(inner, depth + 1)
            inner_text = "\n\n".join(inner_contents.texts)
        else:
            inner_text = "(a message forwarded too many times over; see the saved .eml)"
        saved = sanitise_filename(subject, "forwarded-message")[:70] + ".eml"
        names.append(saved)
        sender = f"{name} <{address}>" if name and address else (address or name or "unknown")
        forwards.append(Forwarded(sender, _date(_raw_header(inner, "date")), subject,
                                  inner_text, saved))
    return contents, forwards, names


def parse_email(data: bytes, max_attachment_bytes: int) -> IncomingEmail:
    """Read an RFC 5322 message; IntakeError when it is not a usable email."""
    if not data.strip():
        raise IntakeError("the input is empty; expected an email message (.eml)")
    if len(data) > MAX_MESSAGE_BYTES:
        raise IntakeError(f"the message is larger than {MAX_MESSAGE_BYTES // 1024 // 1024} MB")
    data, notes = _repair_header_block(data)
    message = _parse(data)
    if not message.keys():
        raise IntakeError("not an email message: it has no headers (From:, Subject:, …)")
    sender_name, sender_email = _sender(message)
    if not sender_email:
        raise IntakeError("the email has no sender address (From:)")
    subject = decode_header_value(_raw_header(message, "subject"))
    automatic = classify(message, sender_email, subject)
    contents, forwarded, forwarded_names = _read(message, 1)
    text = "\n\n".join(contents.texts)
    if not subject and not text and not contents.files and not forwarded:
        raise IntakeError("the email has neither a subject, a text body nor an attachment")

    attachments: list[Attachment] = []
    skipped: list[str] = []
    taken: set[str] = set()
    for index, (name, content_type, payload) in enumerate(contents.files, start=1):
        extension = mimetypes.guess_extension(content_type) or ""
        safe = unique_name(sanitise_filename(name, f"attachment-{index}{extension}"), taken)
        if not payload:
            notes.append(f"attachment {safe} is empty")
        if len(payload) > max_attachment_bytes:
            skipped.append(f"{safe} ({len(payload) // 1024} KB; the limit is "
                           f"{max_attachment_bytes // 1024} KB)")
            continue
        attachments.append(Attachment(safe, payload))
    kept_forwards: list[Forwarded] = []
    for forward, (_, raw), name in zip(forwarded, contents.forwarded, forwarded_names,
                                        strict=True):
        safe = unique_name(name, taken)
        if len(raw) > max_attachment_bytes:
            skipped.append(f"{safe} (forwarded message, {len(raw) // 1024} KB; the limit is "
                           f"{max_attachment_bytes // 1024} KB)")
            safe = ""
        else:
            attachments.append(Attachment(safe, raw))
        kept_forwards.append(Forwarded(forward.sender, forward.date, forward.subject,
                                       forward.text, safe))
    return IncomingEmail(subject, sender_name.strip() or None, sender_email.strip().lower(),
                         _date(_raw_header(message, "date")), text, tuple(attachments),
                         tuple(kept_forwards), tuple(skipped),
                         tuple(dict.fromkeys(notes + contents.notes)), automatic,
                         _message_id(_raw_header(message, "message-id")))
