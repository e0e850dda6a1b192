"""Automatic mail in the shapes mail systems send it: out-of-office notices, vacation
responders, bounces from Postfix, Exim, qmail, Exchange and Gmail, read receipts and bulk mail.
Each is written for the ticket it is about (`{ticket}`: the subject names it, or the bounced
message quotes it); `about()` fills it in."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Shape:
    name: str
    raw: str  # with {ticket} where the ticket id goes
    kind: str  # what opsvault should call it
    logged: str  # what the ticket's Log line says


def about(shape: Shape, ticket: str) -> bytes:
    return shape.raw.replace("{ticket}", ticket).replace("\n", "\r\n").encode()


DSN = """\
--B
Content-Type: text/plain; charset=us-ascii

{human}

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.org
Arrival-Date: Tue, 24 Nov 2026 10:00:01 -0600

Final-Recipient: rfc822; priya.shah@example.org
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <priya.shah@example.org>: Recipient address rejected: User unknown

--B
Content-Type: text/rfc822-headers

From: Lakeview IT <helpdesk@example.org>
To: priya.shah@example.org
Subject: [{ticket}] We are looking into it

--B--
"""

SHAPES: tuple[Shape, ...] = (
    Shape("exchange-out-of-office", """\
From: Priya Shah <priya.shah@example.org>
To: Lakeview IT <helpdesk@example.org>
Subject: Automatic reply: [{ticket}] We are looking into it
Date: Tue, 24 Nov 2026 10:00:00 -0600
Auto-Submitted: auto-replied
X-Auto-Response-Suppress: All
X-MS-Exchange-Inbox-Rules-Loop: priya.shah@example.org
Content-Type: text/plain; charset=utf-8

I am out of the office until Monday 30 November with no access to email.
""", "auto-reply", "Automatic reply from Priya Shah: I am out of the office until Monday"),
    Shape("gmail-vacation-responder", """\
From: Priya Shah <priya.shah@example.org>
Subject: Re: [{ticket}] We are looking into it
Date: Tue, 24 Nov 2026 10:00:00 -0600
Auto-Submitted: auto-replied
Precedence: bulk
Content-Type: text/plain; charset=UTF-8

On vacation until the 30th. For anything urgent call the front desk.
""", "auto-reply", "Automatic reply from Priya Shah: On vacation until the 30th."),
    Shape("exchange-oof-without-auto-submitted", """\
From: Priya Shah <priya.shah@example.org>
Subject: Abwesenheitsnotiz: [{ticket}] We are looking into it
Date: Tue, 24 Nov 2026 10:00:00 -0600
X-Auto-Response-Suppress: All
X-MS-Exchange-Generated-Message-Source: Mailbox Rules Agent
Content-Type: text/plain; charset=utf-8

Ich bin bis 30.11. nicht im Büro.
""", "auto-reply", "Automatic reply from Priya Shah: Ich bin bis 30.11. nicht im Büro."),
    Shape("cpanel-autoresponder", """\
From: priya.shah@example.org
Subject: Re: [{ticket}] We are looking into it
Date: Tue, 24 Nov 2026 10:00:00 -0600
X-Autoreply: yes
Content-Type: text/plain

Thanks for your message, I will reply when I am back.
""", "auto-reply", "Automatic reply from priya.shah@example.org: Thanks for your message"),
    Shape("crm-autorespond", """\
From: Billing <billing@example.org>
Subject: [{ticket}] We are looking into it
Date: Tue, 24 Nov 2026 10:00:00 -0600
X-Autorespond: billing
Content-Type: text/plain

Your message was received by the billing team.
""", "auto-reply", "Automatic reply from Billing: Your message was received"),
    Shape("subject-only-out-of-office", """\
From: Priya Shah <priya.shah@example.org>
Subject: Out of Office: [{ticket}] We are looking into it
Date: Tue, 24 Nov 2026 10:00:00 -0600
Content-Type: text/plain

Back on Monday.
""", "auto-reply", "Automatic reply from Priya Shah: Back on Monday."),
    Shape("postfix-bounce", """\
From: MAILER-DAEMON@mx.example.org (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
Date: Tue, 24 Nov 2026 10:00:02 -0600
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

""" + DSN.replace("{human}", "This is the mail system at host mx.example.org. I'm sorry to "
                  "have to inform you that your message could not be delivered."),
        "bounce", "Email to the requester bounced: 550 5.1.1 &lt;priya.shah@example.org>"),
    Shape("exchange-ndr", """\
From: postmaster@example.org
Subject: Undeliverable: [{ticket}] We are looking into it
Date: Tue, 24 Nov 2026 10:00:02 -0600
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

""" + DSN.replace("{human}", "Delivery has failed to these recipients or groups."),
        "bounce", "Email to the requester bounced: 550 5.1.1"),
    Shape("gmail-bounce", """\
From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
Subject: Delivery Status Notification (Failure)
Date: Tue, 24 Nov 2026 10:00:02 -0600
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

""" + DSN.replace("{human}", "Address not found. Your message wasn't delivered."),
        "bounce", "Email to the requester bounced: 550 5.1.1"),
    Shape("exim-bounce-with-the-message", """\
From: Mail Delivery System <Mailer-Daemon@mx.example.org>
Subject: Mail delivery failed: returning message to sender
Date: Tue, 24 Nov 2026 10:00:02 -0600
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="E"

--E
Content-Type: text/plain

This message was created automatically by mail delivery software.
A message that you sent could not be delivered to one or more of its recipients.

  priya.shah@example.org
    mailbox is full: retry timeout exceeded

--E
Content-Type: message/rfc822

From: Lakeview IT <helpdesk@example.org>
To: priya.shah@example.org
Subject: [{ticket}] We are looking into it

We are looking into it.
--E--
""", "bounce", "Email to the requester bounced (Mail Delivery System)"),
    Shape("qmail-bounce-plain-text", """\
From: MAILER-DAEMON@mail.example.org
Subject: failure notice
Date: Tue, 24 Nov 2026 10:00:02 -0600
Content-Type: text/plain

Hi. This is the qmail-send program at mail.example.org.
I'm afraid I wasn't able to deliver your message to the following addresses.

<priya.shah@example.org>:
Sorry, no mailbox here by that name.

--- Below this line is a copy of the message.

Subject: [{ticket}] We are looking into it
""", "bounce", "Email to the requester bounced (mailer-daemon@mail.example.org)"),
    Shape("read-receipt", """\
From: Priya Shah <priya.shah@example.org>
Subject: Read: [{ticket}] We are looking into it
Date: Tue, 24 Nov 2026 10:05:00 -0600
MIME-Version: 1.0
Content-Type: multipart/report; report-type=disposition-notification; boundary="R"

--R
Content-Type: text/plain

Your message was read on Tuesday, 24 November 2026 10:05.
--R
Content-Type: message/disposition-notification

Final-Recipient: rfc822; priya.shah@example.org
Disposition: manual-action/MDN-sent-manually; displayed
--R--
""", "read receipt", "Read receipt from Priya Shah"),
    Shape("bulk-newsletter", """\
From: Vendor News <news@vendor.example>
Subject: November product update [{ticket}]
Date: Tue, 24 Nov 2026 10:00:00 -0600
Precedence: bulk
List-Unsubscribe: <mailto:unsubscribe@vendor.example>
Content-Type: text/plain

Our new release is out.
""", "bulk mail", "Automatic reply from Vendor News: Our new release is out."),
)
