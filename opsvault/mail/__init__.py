"""Outbound mail: composing messages (`compose`) and delivering them over SMTP or into the
vault's outbox folder (`deliver`). Inbound mail is `intake`'s; what both need to know about
automatic mail lives here."""

from __future__ import annotations

from .compose import AUTOMATIC, compose
from .deliver import Delivery, MailError, deliver

__all__ = ["AUTOMATIC", "Delivery", "MailError", "compose", "deliver"]
