"""Delivering a message: over SMTP (STARTTLS or SSL, login with a password from the
environment), or, without an SMTP host, as an `.eml` file in the vault's outbox folder for the
technician's mail client. A failure is one line (`MailError`) and nothing counts as sent."""

from __future__ import annotations

import os
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

from ..edit import create_file
from ..schema import MailSettings

TIMEOUT_SECONDS = 30


class MailError(Exception):
    """The message could not be delivered; the text says why in one line."""


@dataclass(frozen=True)
class Delivery:
    sent: bool  # True: the SMTP server accepted it; False: written to the outbox
    where: str  # "smtp.example.org:587" or the .eml file's vault-relative path


def deliver(message: EmailMessage, settings: MailSettings, vault_root: Path,
            environment: dict[str, str] | None = None) -> Delivery:
    """Send `message`, or write it to the outbox when no SMTP host is configured."""
    if not settings.smtp_host:
        return _to_outbox(message, settings, vault_root)
    environment = dict(os.environ) if environment is None else environment
    password = environment.get(settings.password_env, "") if settings.username else ""
    if settings.username and not password:
        raise MailError(f"mail.username is set but ${settings.password_env} is empty: give the "
                        "SMTP password in that environment variable")
    where = f"{settings.smtp_host}:{settings.smtp_port}"
    try:
        with _connect(settings) as server:
            if settings.username:
                server.login(settings.username, password)
            refused = server.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        raise MailError(f"{where} refused every recipient: {_refusals(exc.recipients)}") from None
    except smtplib.SMTPAuthenticationError as exc:
        raise MailError(f"{where} did not accept the login for {settings.username}: "
                        f"{_reply(exc.smtp_code, exc.smtp_error)}") from None
    except smtplib.SMTPResponseException as exc:
        raise MailError(f"{where} refused the message: "
                        f"{_reply(exc.smtp_code, exc.smtp_error)}") from None
    except (smtplib.SMTPException, ssl.SSLError) as exc:
        raise MailError(f"mail to {where} failed: {exc}") from None
    except (TimeoutError, OSError) as exc:
        raise MailError(f"cannot reach the mail server {where}: "
                        f"{getattr(exc, 'strerror', None) or exc}") from None
    if refused:
        # Some recipients took it: the message went out, and the others are named.
        raise MailError(f"{where} refused {_refusals(refused)}; the others received it")
    return Delivery(True, where)


def _connect(settings: MailSettings) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if settings.security == "ssl":
        return smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, context=context,
                                timeout=TIMEOUT_SECONDS)
    server = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_SECONDS)
    try:
        if settings.security == "starttls":
            server.starttls(context=context)
    except BaseException:
        server.close()
        raise
    return server


def _reply(code: int, text: bytes | str) -> str:
    shown = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(shown.split())}"


def _refusals(refused: dict[str, tuple[int, bytes]]) -> str:
    return "; ".join(f"{address} ({_reply(code, text)})"
                     for address, (code, text) in refused.items())


def _to_outbox(message: EmailMessage, settings: MailSettings, vault_root: Path) -> Delivery:
    folder = vault_root / settings.outbox
    folder.mkdir(parents=True, exist_ok=True)
    stem = str(message["Message-ID"] or "message").strip("<>").replace("@", "_at_")
    stem = "".join(c if c.isalnum() or c in "._-" else "-" for c in stem)[:120]
    path = folder / f"{stem}.eml"
    data = message.as_bytes(policy=SMTP)
    create_file(path, data)
    return Delivery(False, path.relative_to(vault_root).as_posix())
