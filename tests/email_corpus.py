"""Email messages in the shapes real mail clients and servers send, written byte by byte.

Each case is raw message bytes and what a person would expect of the ticket made from it.
`email_samples` builds tidy messages with the standard library; these are the untidy ones:
Outlook Express boundaries, forwards, attachment-only mail, uuencode, odd and wrong charsets,
broken header blocks, HTML tables and links, inline images, RFC 2231 names, CRLF endings.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")
LOG = b"2026-11-24 08:59:01 vpnclient: tunnel down (peer timeout)\n" * 4


@dataclass(frozen=True)
class Case:
    name: str
    raw: bytes
    title: str
    requester: dict[str, str]
    says: tuple[str, ...] = ()  # text the ticket's description holds
    never: tuple[str, ...] = ()  # text it must not hold
    files: dict[str, bytes] = field(default_factory=dict)  # saved attachment name → bytes
    warns: tuple[str, ...] = ()  # text on stderr


def _b64(data: bytes) -> bytes:
    return base64.encodebytes(data)


def _uu(name: str, data: bytes) -> bytes:
    lines = [binascii.b2a_uu(data[i:i + 45]) for i in range(0, len(data), 45)]
    return b"begin 644 " + name.encode() + b"\n" + b"".join(lines) + b"`\nend\n"


def _word(text: str, label: str, codec: str, encoding: str = "B") -> bytes:
    """An RFC 2047 encoded word for `text` in `codec`, labelled `label`."""
    data = text.encode(codec)
    if encoding == "B":
        return b"=?" + label.encode() + b"?B?" + base64.b64encode(data) + b"?="
    quoted = b"".join(b"_" if byte == 32 else b"=%02X" % byte for byte in data)
    return b"=?" + label.encode() + b"?Q?" + quoted + b"?="


def _split_words(text: str, label: str, codec: str) -> bytes:
    """`text` as two encoded words split mid-way, as some Japanese mailers do."""
    data = text.encode(codec)
    half = len(data) // 2
    return b" ".join(b"=?" + label.encode() + b"?B?" + base64.b64encode(chunk) + b"?="
                     for chunk in (data[:half], data[half:]))


def _crlf(text: bytes) -> bytes:
    return text.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


PRIYA = {"name": "Priya Shah", "email": "priya.shah@example.org"}

CASES: tuple[Case, ...] = (
    Case("outlook-express-unquoted-boundary", _crlf(b"""\
From: "Priya Shah" <priya.shah@example.org>
To: <helpdesk@example.org>
Subject: Printer on floor 2
Date: Tue, 24 Nov 2026 09:12:00 -0600
MIME-Version: 1.0
Content-Type: multipart/alternative;
\tboundary=----=_NextPart_000_0012_01DB3E2A.5C6D7E80
X-Mailer: Microsoft Outlook Express 6.00.2900.5931

This is a multi-part message in MIME format.

------=_NextPart_000_0012_01DB3E2A.5C6D7E80
Content-Type: text/plain;
\tcharset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable

The printer by the caf=E9 shows "paper jam" but the tray is empty.

------=_NextPart_000_0012_01DB3E2A.5C6D7E80
Content-Type: text/html;
\tcharset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable

<HTML><BODY><P>The printer by the caf=E9 shows jam</P></BODY></HTML>

------=_NextPart_000_0012_01DB3E2A.5C6D7E80--
"""), "Printer on floor 2", PRIYA,
        says=('The printer by the café shows "paper jam" but the tray is empty.',),
        never=("NextPart", "multi-part message")),

    Case("forwarded-message-rfc822", b"""\
From: Priya Shah <priya.shah@example.org>
Subject: Fwd: Your mailbox is almost full
Date: Tue, 24 Nov 2026 09:12:00 -0600
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: text/plain; charset=utf-8

Is this real? It looks like phishing to me.

--outer
Content-Type: message/rfc822
Content-Disposition: attachment

From: "Mail Admin" <admin@mailbox-quota.example>
To: priya.shah@example.org
Subject: Your mailbox is almost full
Date: Mon, 23 Nov 2026 22:05:00 +0000
Content-Type: text/plain; charset=utf-8

Click here within 24 hours to keep your mailbox: http://quota.example/login

--outer--
""", "Your mailbox is almost full", PRIYA,
        says=("Is this real? It looks like phishing to me.",
              "Forwarded email from Mail Admin <admin@mailbox-quota.example>",
              "> Click here within 24 hours to keep your mailbox: http://quota.example/login",
              "Your-mailbox-is-almost-full.eml"),
        files={"Your-mailbox-is-almost-full.eml": b"Subject: Your mailbox is almost full"}),

    Case("forwarded-inline-only", b"""\
From: Priya Shah <priya.shah@example.org>
Subject: FW: invoice 4471
Date: Tue, 24 Nov 2026 09:12:00 -0600
MIME-Version: 1.0
Content-Type: message/rfc822

From: accounts@supplier.example
Subject: invoice 4471
Content-Type: multipart/mixed; boundary="in"

--in
Content-Type: text/plain

Please find the invoice attached.
--in
Content-Type: application/pdf; name="inv-4471.pdf"
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename="inv-4471.pdf"

""" + _b64(PDF) + b"""--in--
""", "invoice 4471", PRIYA,
        says=("Forwarded email from accounts@supplier.example",
              "> Please find the invoice attached.",
              "(no text: see the attachments)"),
        files={"invoice-4471.eml": b"inv-4471.pdf"}),

    Case("attachment-only-top-level", b"""\
From: Priya Shah <priya.shah@example.org>
Subject: scan
Date: Tue, 24 Nov 2026 09:12:00 -0600
MIME-Version: 1.0
Content-Type: application/pdf; name="scan0001.pdf"
Content-Disposition: attachment; filename="scan0001.pdf"
Content-Transfer-Encoding: base64

""" + _b64(PDF), "scan", PRIYA,
        says=("(no text: see the attachments)", "scan0001.pdf"),
        files={"scan0001.pdf": PDF}),

    Case("attachment-only-no-subject-no-name", b"""\
From: Priya Shah <priya.shah@example.org>
Date: Tue, 24 Nov 2026 09:12:00 -0600
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b"

--b
Content-Type: image/png
Content-Transfer-Encoding: base64

""" + _b64(PNG) + b"""--b--
""", "Email from priya.shah@example.org", PRIYA,
        says=("(no text: see the attachments)",), files={"attachment-1.png": PNG}),

    Case("uuencoded-inside-the-text", b"""\
From: Priya Shah <priya.shah@example.org>
Subject: vpn log
Date: Tue, 24 Nov 2026 09:12:00 -0600

Here is the log from this morning.

""" + _uu("vpnclient.log", LOG) + b"""
Thanks, Priya
""", "vpn log", PRIYA,
        says=("Here is the log from this morning.", "Thanks, Priya", "vpnclient.log"),
        never=("begin 644",), files={"vpnclient.log": LOG}),

    Case("uuencode-transfer-encoding", b"""\
From: Priya Shah <priya.shah@example.org>
Subject: vpn log again
Date: Tue, 24 Nov 2026 09:12:00 -0600
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b"

--b
Content-Type: text/plain

attached
--b
Content-Type: application/octet-stream; name="client.log"
Content-Transfer-Encoding: x-uuencode
Content-Disposition: attachment; filename="client.log"

""" + _uu("client.log", LOG) + b"""--b--
""", "vpn log again", PRIYA, says=("attached",), files={"client.log": LOG}),

    Case("hebrew-iso-8859-8-i", b"From: " + _word("דנה כהן", "iso-8859-8-i", "iso-8859-8")
         + b""" <dana@example.org>
Subject: """ + _word("מדפיס לא עובד", "iso-8859-8-i", "iso-8859-8", "Q") + b"""
Date: Tue, 24 Nov 2026 09:12:00 +0200
MIME-Version: 1.0
Content-Type: text/plain; charset=iso-8859-8-i
Content-Transfer-Encoding: 8bit

""" + "מדפיס לא עובד בקומה 3".encode("iso-8859-8") + b"\n",
        "מדפיס לא עובד", {"name": "דנה כהן", "email": "dana@example.org"},
        says=("מדפיס לא עובד בקומה 3",), never=("\ufffd",)),

    Case("iso-2022-jp-split-words", b"From: " + _word("山田", "ISO-2022-JP", "iso2022_jp")
         + b" <yamada@example.jp>\nSubject: " + _split_words("テスト", "ISO-2022-JP", "iso2022_jp")
         + b""" VPN
Date: Tue, 24 Nov 2026 18:12:00 +0900
MIME-Version: 1.0
Content-Type: text/plain; charset=ISO-2022-JP
Content-Transfer-Encoding: 7bit

""" + "テストの VPN が切れます".encode("iso2022_jp") + b"\n",
        "テスト VPN", {"name": "山田", "email": "yamada@example.jp"},
        says=("テストの VPN が切れます",), never=("=?ISO-2022-JP", "\x1b")),

    Case("undeclared-8-bit-utf8-header-and-body", """\
From: José Núñez <jose@example.org>
Subject: Équipe réseau: le Wi-Fi ne marche plus
Date: Tue, 24 Nov 2026 09:12:00 +0100

Depuis ce matin, le Wi-Fi du 3ᵉ étage coupe.
""".encode(), "Équipe réseau: le Wi-Fi ne marche plus", {"name": "José Núñez",
                                                          "email": "jose@example.org"},
        says=("Depuis ce matin, le Wi-Fi du 3ᵉ étage coupe.",), never=("\ufffd",)),

    Case("undeclared-8-bit-windows-1252", """\
From: Zoë Brontë <zoe@example.org>
Subject: “Access denied” on the share – urgent
Date: Tue, 24 Nov 2026 09:12:00 +0000
Content-Type: text/plain; charset=us-ascii

I can’t open \\\\files\\finance since the update – “Access denied”.
""".encode("cp1252"), "“Access denied” on the share – urgent",
        {"name": "Zoë Brontë", "email": "zoe@example.org"},
        says=("I can’t open", "“Access denied”."), never=("\ufffd",)),

    Case("unknown-charset-label", b"""\
From: Priya Shah <priya.shah@example.org>
Subject: laptop fan
Date: Tue, 24 Nov 2026 09:12:00 -0600
Content-Type: text/plain; charset="x-unknown-8bit"
Content-Transfer-Encoding: 8bit

The fan runs at 100\xc2\xa0% all day \xe2\x80\x94 even idle.
""", "laptop fan", PRIYA, says=("The fan runs at 100 % all day — even idle.",),
        never=("\ufffd",), warns=("the charset 'x-unknown-8bit' is unknown; read as utf-8",)),

    Case("malformed-header-line-before-from", b"""\
Received: from mx.example.org by mail.example.org; Tue, 24 Nov 2026 09:12:02 -0600
X-Scanned-By this line has no colon
From: Priya Shah <priya.shah@example.org>
Subject: Outlook keeps asking for my password
Date: Tue, 24 Nov 2026 09:12:00 -0600

Every five minutes since the password change.
""", "Outlook keeps asking for my password", PRIYA,
        says=("Every five minutes since the password change.",), never=("X-Scanned-By",),
        warns=("header line 2 is not a header field and was ignored",)),

    Case("mbox-envelope-line", b"""\
From priya.shah@example.org Tue Nov 24 09:12:00 2026
From: Priya Shah <priya.shah@example.org>
Subject: Teams crashes
Date: Tue, 24 Nov 2026 09:12:00 -0600

Teams crashes on start.
""", "Teams crashes", PRIYA, says=("Teams crashes on start.",)),

    Case("html-table-list-and-links", b"""\
From: Monitoring <noc@example.org>
Subject: Weekly backup report
Date: Tue, 24 Nov 2026 09:12:00 -0600
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<html><head><style>td{border:1px}</style></head><body>
<p>Backups last night:</p>
<table><tr><th>Host</th><th>Result</th></tr>
<tr><td>files01</td><td>failed</td></tr><tr><td>db02</td><td>ok</td></tr></table>
<ol><li>Check the <a href="https://backup.example/job/17">job log</a></li>
<li>Rerun</li></ol>
<p><a href="javascript:alert(1)">tracker</a></p>
</body></html>
""", "Weekly backup report", {"name": "Monitoring", "email": "noc@example.org"},
        says=("Host", "| Result", "files01 | failed", "db02", "| ok",
              "1. Check the", "(https://backup.example/job/17)", "2. Rerun"),
        never=("javascript", "td{border")),

    Case("apple-mail-text-image-text", b"""\
From: Priya Shah <priya.shah@example.org>
Subject: error on screen
Date: Tue, 24 Nov 2026 09:12:00 -0600
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="Apple-Mail=_1"

--Apple-Mail=_1
Content-Type: text/plain; charset=us-ascii

This shows up at login:
--Apple-Mail=_1
Content-Disposition: inline; filename=Screenshot.png
Content-Type: image/png; name="Screenshot.png"
Content-Transfer-Encoding: base64

""" + _b64(PNG) + b"""--Apple-Mail=_1
Content-Type: text/plain; charset=us-ascii

and then the laptop restarts.
--Apple-Mail=_1--
""", "error on screen", PRIYA,
        says=("This shows up at login:", "and then the laptop restarts."),
        files={"Screenshot.png": PNG}),

    Case("outlook-related-inline-screenshot", _crlf(b"""\
From: Priya Shah <priya.shah@example.org>
Subject: SAP error
Date: Tue, 24 Nov 2026 09:12:00 -0600
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="alt"

--alt
Content-Type: text/plain; charset="utf-8"

SAP shows this error: [cid:image001.png@01DB]

--alt
Content-Type: multipart/related; boundary="rel"; type="text/html"

--rel
Content-Type: text/html; charset="utf-8"

<p>SAP shows this error: <img src="cid:image001.png@01DB"></p>
--rel
Content-Type: image/png; name="image001.png"
Content-ID: <image001.png@01DB>
Content-Transfer-Encoding: base64

""" + _b64(PNG) + b"""--rel--

--alt--
"""), "SAP error", PRIYA, says=("SAP shows this error:",), files={"image001.png": PNG}),

    Case("encoded-display-name-with-comma", b"""\
From: =?utf-8?Q?Shah=2C_Priya?= <priya.shah@example.org>, other@example.org
Subject: =?utf-8?B?4pyTIGRvY2tpbmcgc3RhdGlvbg==?=
Date: Tue, 24 Nov 2026 09:12:00 -0600

The docking station no longer charges.
""", "✓ docking station", {"name": "Shah, Priya", "email": "priya.shah@example.org"},
        says=("The docking station no longer charges.",)),

    Case("rfc2231-file-name-and-calendar", b"""\
From: Priya Shah <priya.shah@example.org>
Subject: meeting room screen
Date: Tue, 24 Nov 2026 09:12:00 -0600
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b"

--b
Content-Type: text/plain; charset=utf-8; format=flowed
Content-Transfer-Encoding: quoted-printable

The screen in room Tasman does not wake up. See my r=C3=A9sum=C3=A9 of =
what I tried.
--b
Content-Type: application/pdf
Content-Disposition: attachment; filename*=utf-8''r%C3%A9sum%C3%A9%20tried.pdf
Content-Transfer-Encoding: base64

""" + _b64(PDF) + b"""--b
Content-Type: text/calendar; charset=utf-8; method=REQUEST
Content-Transfer-Encoding: 7bit

BEGIN:VCALENDAR
END:VCALENDAR
--b--
""", "meeting room screen", PRIYA,
        says=("See my résumé of what I tried.",),
        files={"resume-tried.pdf": PDF, "attachment-2.ics": b"BEGIN:VCALENDAR"}),

    Case("base64-with-junk-and-crlf", _crlf(b"""\
From: Priya Shah <priya.shah@example.org>
Subject: monitor flickers
Date: Tue, 24 Nov 2026 09:12:00 -0600
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: base64

""" + base64.encodebytes(b"The monitor flickers when the laptop is docked.\n")
        .replace(b"\n", b" \n") + b"\n"), "monitor flickers", PRIYA,
        says=("The monitor flickers when the laptop is docked.",)),
)
