"""Email messages as a mail client would send them, built with the standard library."""

from __future__ import annotations

from email.message import EmailMessage

SENDER = "Priya Shah <Priya.Shah@example.org>"
DATE = "Tue, 24 Nov 2026 09:12:00 -0600"


def message(subject: str = "VPN keeps dropping, I'm blocked",
            text: str | None = "The VPN drops every 10 minutes since Monday.",
            html: str | None = None, sender: str | None = SENDER, date: str | None = DATE,
            attachments: tuple[tuple[str, bytes], ...] = ()) -> bytes:
    mail = EmailMessage()
    if sender is not None:
        mail["From"] = sender
    mail["To"] = "helpdesk@example.org"
    mail["Subject"] = subject
    if date is not None:
        mail["Date"] = date
    if text is not None:
        mail.set_content(text)
        if html is not None:
            mail.add_alternative(html, subtype="html")
    elif html is not None:
        mail.set_content(html, subtype="html")
    for name, data in attachments:
        mail.add_attachment(data, maintype="application", subtype="octet-stream",
                            filename=name)
    return bytes(mail)


def reply_to(ticket_id: str, text: str, attachment: tuple[str, bytes] | None = None,
             sender: str = SENDER) -> bytes:
    quoted = "On Tue, 24 Nov 2026 IT wrote:\n> Could you send the VPN client log?\n"
    return message(subject=f"RE: [{ticket_id}] VPN keeps dropping", text=f"{text}\n\n{quoted}",
                   sender=sender, date="Tue, 24 Nov 2026 10:30:00 -0600",
                   attachments=(attachment,) if attachment else ())
