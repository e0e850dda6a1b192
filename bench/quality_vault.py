"""A vault for measuring suggestion quality: KB entries with near misses (four VPN entries with
different causes, four printer entries, three Wi-Fi, three sign-in, three docking station, …)
and tickets that link the entry that fixed them, written the way requesters write: their own
words for things ("wireless", "pw", "the dock", "cert"), typos, and a technician's Log in
short notes. Each ticket is a phrasing of its problem; a seeded share of longer words gets one
typo (a letter dropped, doubled or swapped), as people type.

    python bench/quality_vault.py OUT_DIR [--per-phrasing 3] [--seed 11]

`bench/suggest_quality.py --synthetic` writes one and measures it.
"""

from __future__ import annotations

import argparse
import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    ident: str
    folder: str
    title: str
    symptoms: str
    steps: str
    cause: str
    aliases: tuple[str, ...]
    # (ticket title, description) as requesters put it
    phrasings: tuple[tuple[str, str], ...]
    log: tuple[str, ...]  # what technicians write while fixing it


PROBLEMS = [
    Problem("KB-OPS-201", "Network", "VPN drops every few minutes (MTU after ISP change)",
            "The VPN connects, then disconnects every 5 to 15 minutes; large file copies "
            "stall first. Started after the ISP or router changed.",
            "Set the MTU of the VPN profile to 1400 and reconnect.",
            "The new router's PPPoE link has a smaller MTU; fragmented packets are dropped.",
            ("vpn keeps disconnecting",),
            (("vpn keeps dropping", "My VPN connection drops every ten minutes or so "
              "since last week, I have to reconnect all the time."),
             ("Remote connection disconnects constantly", "Working from home, the vpn "
              "disconnects every few min. Copying big files makes it drop."),
             ("VPN unstable since new internet", "We got a new router from the ISP and "
              "since then the VPN tunnel keeps cutting out.")),
            ("Reproduced drop on large copy; ping with DF set fails above 1412.",
             "Lowered MTU on the VPN profile to 1400; stable for an hour.")),
    Problem("KB-OPS-202", "Network", "VPN will not connect: client certificate expired",
            "FortiClient refuses to connect and says the certificate has expired or is "
            "not valid; the password is accepted.",
            "Renew the client certificate from the certificate portal and re-import it.",
            "Client certificates are issued for one year and were not renewed.",
            ("vpn certificate error",),
            (("Can't connect to VPN - certificate", "FortiClient says my cert has "
              "expired and won't connect at all."),
             ("vpn error certificate not valid", "Getting a certificate error when I "
              "try to connect to the VPN this morning."),
             ("Forticlient cert expired", "The VPN client shows 'certificate expired', "
              "password is fine.")),
            ("Certificate on the laptop expired yesterday.",
             "Issued a new client certificate from the portal and imported it.")),
    Problem("KB-OPS-203", "Network", "VPN connects but internal sites do not load (DNS)",
            "The VPN shows connected, but intranet sites and the file share do not resolve "
            "by name; IP addresses work.",
            "Set the VPN adapter's DNS servers to the office resolvers and flush the DNS "
            "cache.",
            "The home router's DNS is used first, so internal names are not found.",
            ("vpn connected but nothing works",),
            (("VPN connected but intranet won't open", "VPN says connected but I can't "
              "open the intranet or the shared drive, 'server not found'."),
             ("vpn on, internal websites not loading", "Connected to vpn, but none of "
              "the internal sites resolve. Google works fine."),
             ("Can't reach file server over VPN", "Over VPN the S: drive and internal "
              "pages say name could not be resolved.")),
            ("nslookup of intranet goes to home router.",
             "Set adapter DNS to the office resolvers, ipconfig /flushdns; names resolve.")),
    Problem("KB-OPS-204", "Access", "VPN login fails after password change",
            "After changing the Windows password, the VPN rejects the login with "
            "'authentication failed' while other sign-ins work.",
            "Update the saved credentials in the VPN client to the new password.",
            "The VPN client saved the old password.",
            ("vpn authentication failed",),
            (("VPN says authentication failed", "I changed my password yesterday and "
              "now the VPN says authentication failed."),
             ("vpn login rejected after pw change", "New pw works for email but the vpn "
              "won't accept it."),
             ("Cannot log into VPN", "VPN keeps rejecting my login since I reset my "
              "password.")),
            ("Saved credentials in the VPN client still held the old password.",
             "Cleared saved login in the VPN client, signed in with the new password.")),
    Problem("KB-OPS-205", "Hardware", "Printer reports a paper jam with no paper stuck",
            "The printer reports a jam in tray 2 although no paper is stuck; the error "
            "returns after clearing.",
            "Clean the tray 2 pickup roller and the jam sensor; replace the roller if worn.",
            "Paper dust on the jam sensor makes it read a sheet that is not there.",
            ("phantom paper jam",),
            (("Printer says paper jam but there is none", "The front desk printer keeps "
              "saying paper jam in tray 2, there is no paper stuck."),
             ("paper jam error won't clear", "Jam error on the printer again, opened "
              "all doors, nothing in there."),
             ("printer jammed?", "It shows a jam but I can't find any paper stuck.")),
            ("No paper in the path; sensor dusty.",
             "Cleaned pickup roller and jam sensor on tray 2; 50 test pages fine.")),
    Problem("KB-OPS-206", "Hardware", "Printer prints faded or streaked pages",
            "Pages come out pale or with grey streaks down the page; the toner low light "
            "may be on.",
            "Replace the toner cartridge and clean the drum unit (SOP-002).",
            "The toner is nearly empty or the drum is worn.",
            ("faded printing",),
            (("Prints are faded", "Everything I print comes out very light and hard to "
              "read."),
             ("grey lines on printouts", "Printouts have grey streaks running down the "
              "page."),
             ("printer printing pale", "The printer's output is pale, I think the toner "
              "is low.")),
            ("Toner at 3 %.", "Replaced toner cartridge and cleaned the drum.")),
    Problem("KB-OPS-207", "Software", "Print jobs stuck in the queue (spooler)",
            "Documents sit in the print queue as 'printing' or 'error' and nothing comes "
            "out; new jobs queue behind them.",
            "Restart the Print Spooler service and clear the spool folder.",
            "A corrupt job blocks the spooler.",
            ("print queue stuck",),
            (("Nothing prints, jobs stuck", "I send documents to the printer and they "
              "just sit in the queue, nothing comes out."),
             ("print queue frozen", "The queue shows my document as 'printing' for an "
              "hour."),
             ("can't print from my computer", "Documents stay in the printer queue with "
              "error and never print.")),
            ("Spooler holding a 0-byte job.",
             "Restarted the Print Spooler service and cleared the spool folder.")),
    Problem("KB-OPS-208", "Software", "Scan to email stopped working",
            "The copier scans but the email never arrives; the copier shows an SMTP or "
            "authentication error.",
            "Update the copier's SMTP password (the scanner account) and test a scan.",
            "The scanner mailbox password expired.",
            ("scanner email not arriving",),
            (("Scans not arriving in email", "I scan to email on the copier but nothing "
              "arrives in my inbox."),
             ("scan to mail error", "The copier shows an SMTP error when scanning to "
              "email."),
             ("scanner won't send emails", "Scanning works but the email never comes "
              "through.")),
            ("Copier log shows SMTP auth failure.",
             "Reset the scanner account password and updated it on the copier.")),
    Problem("KB-OPS-209", "Network", "Wi-Fi drops near the X-ray room (interference)",
            "Laptops and tablets lose the Wi-Fi every few minutes near the X-ray room and "
            "operatories; elsewhere it is stable.",
            "Move the access point off channel 11 to a 5 GHz channel.",
            "The X-ray equipment interferes with 2.4 GHz channel 11.",
            ("wireless drops in operatory",),
            (("wifi keeps dropping in operatory 3", "The tablet loses wifi every few "
              "minutes in op 3 near the xray."),
             ("Wireless disconnects near xray", "Wireless connection drops constantly "
              "when I'm near the x-ray room."),
             ("WLAN unstable in the back rooms", "The WLAN in the operatories keeps "
              "disconnecting, front office is fine.")),
            ("Site survey: heavy noise on channel 11 by the X-ray.",
             "Moved AP-3 to 5 GHz channel 36; no drops for a day.")),
    Problem("KB-OPS-210", "Network", "Guest Wi-Fi: the sign-in page never appears",
            "Visitors connect to the guest network but the captive portal page never "
            "opens, so they have no internet.",
            "Open http://neverssl.com to trigger the portal; reboot the guest controller "
            "if it still fails.",
            "HTTPS pages cannot redirect to the captive portal.",
            ("guest wifi portal",),
            (("Guest wifi not working", "Patients connect to the guest wifi but get no "
              "internet, no login page shows up."),
             ("visitor wireless no sign in page", "Our visitors can't get online on the "
              "guest network, the portal never loads."),
             ("guest network no internet", "Connected to Guest, but no internet and no "
              "terms page.")),
            ("Portal redirect fails on HTTPS start pages.",
             "Opened neverssl.com, the portal appeared; rebooted the guest controller.")),
    Problem("KB-OPS-211", "Network", "Wi-Fi will not join after the password change",
            "Devices that were on the staff Wi-Fi no longer connect after the Wi-Fi "
            "password changed; they say 'can't join' or keep asking for the password.",
            "Forget the network on the device and join again with the new key.",
            "The device keeps the old key.",
            ("cannot join wifi",),
            (("can't join the wifi", "My phone won't join the staff wifi anymore, it "
              "says incorrect password."),
             ("wireless keeps asking for the password", "Since the wifi key was changed "
              "the kiosk tablet keeps asking for the password."),
             ("tablet not connecting to wifi", "The tablet says unable to join network "
              "since Monday.")),
            ("Device had the old key.", "Forgot the network and joined with the new key.")),
    Problem("KB-OPS-212", "Access", "Password expired: cannot sign in",
            "Windows says the password has expired or must be changed; Outlook keeps "
            "asking for the password.",
            "Reset the password with SOP-001 and sign in again on every device.",
            "The 90-day password expiry.",
            ("password expired",),
            (("my password expired", "I can't sign in, it says my password has "
              "expired."),
             ("pw expired can't login", "My pw expired over the weekend and now I can't "
              "log in to windows."),
             ("Outlook keeps asking for password", "Outlook keeps popping up asking for "
              "my password, I think it expired.")),
            ("Password past 90 days.", "Reset per SOP-001; signed in on laptop and phone.")),
    Problem("KB-OPS-213", "Access", "Account locked out after failed sign-ins",
            "The sign-in screen says the account is locked or disabled after too many "
            "attempts; often an old phone keeps trying an old password.",
            "Unlock the account and remove the old password from the phone's mail app.",
            "A device retries an old password until the account locks.",
            ("account locked",),
            (("Account locked out", "It says my account is locked after I typed the "
              "wrong password a few times."),
             ("locked out of my computer", "Windows says the referenced account is "
              "currently locked out."),
             ("keeps locking my account", "My account locks every morning even though I "
              "type the right password.")),
            ("Lockout source: old phone mail app.",
             "Unlocked the account; removed the old password from the phone.")),
    Problem("KB-OPS-214", "Access", "MFA on a new phone: codes or prompts missing",
            "After getting a new phone the authenticator app has no account, so no codes "
            "or push prompts arrive; the old phone is gone.",
            "Reset the MFA registration and enrol the new phone with the authenticator "
            "app.",
            "The MFA registration stays with the old phone.",
            ("new phone authenticator",),
            (("new phone no MFA codes", "I got a new phone and the authenticator app "
              "doesn't have my account, can't get codes."),
             ("2fa not working on new phone", "Switched phones, now I don't get the "
              "two-factor prompts."),
             ("Authenticator lost", "Lost my old phone, need to set up the authenticator "
              "again to log in.")),
            ("Old device registered.", "Reset MFA registration; enrolled the new phone.")),
    Problem("KB-OPS-215", "Hardware", "Docking station: external monitors stay black",
            "After docking, the external monitors stay black or show 'no signal'; the "
            "laptop screen works.",
            "Update the dock firmware and the display driver; reseat the USB-C cable.",
            "Old dock firmware does not negotiate DisplayPort over USB-C with new drivers.",
            ("dock monitors black",),
            (("monitors not working with dock", "When I plug my laptop into the dock "
              "the two monitors say no signal."),
             ("docking station screens black", "Both screens stay black when docked, "
              "laptop screen is fine."),
             ("external displays not detected", "My external displays aren't detected "
              "through the docking station since the update.")),
            ("Dock firmware 1.0.4; driver updated last week.",
             "Updated dock firmware to 1.2 and the display driver; both monitors up.")),
    Problem("KB-OPS-216", "Hardware", "Docking station: no wired network",
            "Docked laptops show no network cable or an unidentified network; Wi-Fi "
            "works.",
            "Install the dock's Ethernet driver and check the port's VLAN on the switch.",
            "The dock's USB network adapter needs its own driver.",
            ("dock ethernet not working",),
            (("no internet when docked", "When I'm on the dock the network cable doesn't "
              "work, only wifi."),
             ("dock ethernet not working", "The ethernet port on my docking station "
              "shows network cable unplugged."),
             ("wired network missing at desk", "At my desk the wired network isn't "
              "working through the dock.")),
            ("Realtek USB NIC without driver.",
             "Installed the dock Ethernet driver; link up at 1 Gb/s.")),
    Problem("KB-OPS-217", "Hardware", "Docking station does not charge the laptop",
            "The laptop battery drains while docked or shows 'slow charger'.",
            "Use the 130 W dock power supply and update the BIOS.",
            "The 90 W supply is too weak for the laptop.",
            ("dock not charging",),
            (("laptop not charging on dock", "My laptop battery goes down even when it's "
              "on the dock."),
             ("slow charger warning", "Laptop says slow charger when plugged into the "
              "docking station."),
             ("battery draining while docked", "The dock doesn't charge my notebook "
              "anymore.")),
            ("Dock PSU is 90 W.", "Swapped to the 130 W supply; BIOS updated.")),
    Problem("KB-OPS-218", "Software", "Outlook mailbox full: cannot send or receive",
            "Outlook warns that the mailbox is full; mail cannot be sent and new mail "
            "bounces.",
            "Turn on the online archive and move old mail there; empty Deleted Items.",
            "The mailbox reached its 50 GB quota.",
            ("mailbox full",),
            (("Mailbox full", "Outlook says my mailbox is full and I can't send "
              "emails."),
             ("email not sending, quota", "Getting a message that I'm over my storage "
              "quota, can't send mail."),
             ("people say my email bounces", "Customers tell me their emails to me bounce "
              "back, mailbox full.")),
            ("Mailbox at 49.8 GB.", "Enabled online archive; moved mail older than 2 y.")),
    Problem("KB-OPS-219", "Software", "Outlook stuck offline or disconnected",
            "Outlook shows 'Working offline' or 'Disconnected' in the status bar and mail "
            "does not update.",
            "Turn off Work Offline; if it stays disconnected, create a new Outlook "
            "profile.",
            "A damaged Outlook profile or the Work Offline switch.",
            ("outlook offline",),
            (("Outlook not updating", "My Outlook says disconnected at the bottom and "
              "no new emails come in."),
             ("email stuck offline", "Outlook is stuck in working offline mode."),
             ("not receiving mail in outlook", "No new mail in Outlook since this "
              "morning, webmail has it.")),
            ("Status bar: Disconnected.", "New Outlook profile; mail syncing.")),
    Problem("KB-OPS-220", "Software", "Laptop slow: disk almost full",
            "The laptop is very slow, apps take minutes to open and Windows warns that "
            "the disk is low on space.",
            "Run Disk Cleanup, clear the Downloads and temp folders, and move old files "
            "to the share.",
            "Less than 5 % free disk space.",
            ("computer slow",),
            (("computer very slow", "My computer is super slow, takes forever to open "
              "anything."),
             ("laptop sluggish and disk full warning", "Laptop is sluggish and I got a "
              "low disk space warning."),
             ("PC slow performance", "Performance is terrible since last week, programs "
              "freeze.")),
            ("C: at 98 %.", "Disk Cleanup and cleared Downloads; 40 GB free.")),
    Problem("KB-OPS-221", "Software", "Teams: others cannot hear me (microphone)",
            "In Teams calls others cannot hear the user, or the microphone shows no "
            "level; the headset works elsewhere.",
            "Select the headset as microphone in Teams device settings and allow "
            "microphone access in Windows privacy settings.",
            "Windows privacy settings block the microphone for Teams.",
            ("teams mic not working",),
            (("people can't hear me on Teams", "In Teams meetings nobody can hear me, my "
              "headset works on the phone."),
             ("teams microphone not working", "Teams mic shows no sound in calls."),
             ("no audio from me in calls", "When I call through Teams the other side "
              "hears nothing.")),
            ("Privacy settings blocked mic.",
             "Allowed microphone access; chose headset in Teams.")),
    Problem("KB-OPS-222", "Software", "Shared drive missing after sign-in",
            "The S: drive (or another mapped drive) is missing or shows a red X after "
            "signing in.",
            "Reconnect the drive with the login script, or map \\\\files\\shared as S:.",
            "The logon script ran before the network was up.",
            ("mapped drive missing",),
            (("S drive disappeared", "My S: drive is gone from This PC."),
             ("shared drive red x", "The shared folder shows a red X and won't open."),
             ("can't find the shared folder", "The mapped network drive is missing "
              "since this morning.")),
            ("Drive map missing after fast logon.",
             "Remapped S: to \\\\files\\shared; enabled wait-for-network policy.")),
    Problem("KB-OPS-223", "Software", "Office says unlicensed product",
            "Word or Excel shows 'Unlicensed Product' or 'Product Activation Failed' and "
            "editing is disabled.",
            "Sign out of Office, sign in with the work account, and check the licence in "
            "the admin portal.",
            "The Office licence was removed or the app signed in with a personal account.",
            ("office activation",),
            (("Word says unlicensed", "Word shows 'unlicensed product' and I can't edit "
              "documents."),
             ("office activation failed", "Excel says product activation failed."),
             ("can't edit documents, licence", "Office wants me to buy a license, "
              "editing is greyed out.")),
            ("Signed in with a personal account.",
             "Signed in with the work account; licence active.")),
    Problem("KB-OPS-224", "Hardware", "Desk phone shows 'No service'",
            "The VoIP desk phone shows 'No service' or 'Registering' and cannot make "
            "calls.",
            "Check the phone's network cable goes to the PoE port and reboot the phone.",
            "The phone lost power or registration after a switch reboot.",
            ("voip phone no service",),
            (("desk phone not working", "My desk phone says no service, can't call "
              "out."),
             ("phone stuck registering", "The VoIP phone shows registering and never "
              "finishes."),
             ("no dial tone on office phone", "No dial tone on my office phone since the "
              "power cut.")),
            ("Phone on non-PoE port after move.",
             "Moved cable to PoE port; phone registered.")),
    Problem("KB-OPS-225", "Hardware", "Keyboard or mouse not responding (wireless)",
            "The wireless keyboard or mouse stops responding or lags; batteries may be "
            "low.",
            "Replace the batteries and re-pair the receiver; plug it into a front USB "
            "port.",
            "Low batteries or a receiver behind the metal case.",
            ("mouse lagging",),
            (("mouse not working", "My wireless mouse stopped working."),
             ("keyboard lagging", "The keyboard misses letters and lags when I type."),
             ("cordless mouse jumpy", "The cursor jumps around and freezes.")),
            ("Batteries low, receiver at back of PC.",
             "New batteries, receiver moved to a front USB port.")),
    Problem("KB-OPS-226", "Software", "Browser shows a certificate warning on intranet",
            "Chrome or Edge shows 'Your connection is not private' for the intranet.",
            "Install the internal root certificate via group policy and restart the "
            "browser.",
            "The internal CA is not trusted on this machine.",
            ("intranet not private warning",),
            (("intranet says not secure", "Chrome says your connection is not private "
              "on the intranet."),
             ("certificate warning on internal site", "Edge warns about the certificate "
              "when I open the internal wiki."),
             ("browser security warning on hr portal", "The HR portal shows a security "
              "warning about the cert.")),
            ("Root CA missing from store.", "Pushed root CA via GPO; warning gone.")),
    Problem("KB-OPS-227", "Software", "Backup job failed: not enough space",
            "The nightly backup report says failed with 'insufficient space' on the "
            "target.",
            "Prune old restore points on the NAS and rerun the job.",
            "Retention kept too many restore points.",
            ("backup failed",),
            (("backup failed last night", "The backup email says the job failed."),
             ("nightly backup error", "Backup report shows error, not enough disk "
              "space."),
             ("backup didn't run", "I got a failed backup notification this morning.")),
            ("NAS at 100 %.", "Pruned restore points to 30 days; reran job OK.")),
]

# The words requesters use for a thing, chosen now and then in place of the usual one.
USER_WORDS = {"password": ["pw", "password", "passwd"], "wifi": ["wifi", "wireless", "wi-fi"],
              "docking station": ["dock", "docking station"], "laptop": ["laptop", "notebook"],
              "certificate": ["cert", "certificate"], "monitors": ["screens", "monitors"]}


def typo(word: str, rng: random.Random) -> str:
    """One slip of the fingers: a letter dropped, doubled, or two swapped."""
    at = rng.randrange(1, len(word) - 1)
    change = rng.choice(("drop", "double", "swap"))
    if change == "drop":
        return word[:at] + word[at + 1:]
    if change == "double":
        return word[:at] + word[at] + word[at:]
    return word[:at] + word[at + 1] + word[at] + word[at + 2:]


def as_typed(text: str, rng: random.Random, rate: float) -> str:
    for usual, choices in USER_WORDS.items():
        text = re.sub(rf"\b{usual}\b", lambda _, choices=choices: rng.choice(choices), text)
    return re.sub(r"[A-Za-z]{5,}", lambda m: typo(m.group(), rng) if rng.random() < rate
                  else m.group(), text)


def kb_file(problem: Problem) -> str:
    aliases = ", ".join(f'"{a}"' for a in problem.aliases)
    return (f"---\nid: {problem.ident}\ntitle: \"{problem.title}\"\ncategory: "
            f"{problem.folder}\nlast_updated: 2026-10-01\naliases: [{aliases}]\ntags: []\n"
            f"---\n# {problem.title}\n\n## Symptoms\n{problem.symptoms}\n\n## Resolution "
            f"Steps\n1. {problem.steps}\n\n## Root Cause\n{problem.cause}\n\n## Escalation "
            "Path\nL2, then the vendor.\n\n## Prevention\nReview quarterly.\n")


def ticket_file(number: int, problem: Problem, title: str, description: str,
                opened: datetime) -> str:
    ident = f"T-{opened:%Y%m%d}-{number:04d}"
    log = "\n".join(f"- {opened + timedelta(hours=i + 1):%Y-%m-%d %H:%M} · bob · {line}"
                    for i, line in enumerate(problem.log))
    return (f"---\nid: {ident}\ntitle: \"{title}\"\nstatus: closed\npriority: P3\ncategory: "
            f"{problem.folder.lower()}\nchannel: email\nrequester: {{name: Ann Example, "
            f"email: ann{number}@example.org}}\nassignee: bob\nopened: "
            f"{opened.isoformat(timespec='minutes')}\nresolved: "
            f"{(opened + timedelta(hours=4)).isoformat(timespec='minutes')}\nresolution: "
            f"Fixed.\nroot_cause: See the KB entry.\nuser_confirmed: "
            f"{(opened + timedelta(hours=5)).isoformat(timespec='minutes')}\nkb: "
            f"\"[[{problem.ident}]]\"\n---\n{description}\n\n## Log\n{log}\n")


def write_quality_vault(root: Path, per_phrasing: int = 3, seed: int = 11,
                        typo_rate: float = 0.12) -> int:
    """Write the vault; the number of tickets."""
    rng = random.Random(seed)
    (root / "vault").mkdir(parents=True, exist_ok=True)
    (root / "vault/opsvault.yml").write_text("time_zone: America/New_York\n")
    for problem in PROBLEMS:
        folder = root / "kb" / problem.folder
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{problem.ident}.md").write_text(kb_file(problem))
    (root / "tickets").mkdir(exist_ok=True)
    start = datetime.fromisoformat("2026-03-02T09:00-05:00")
    number = 0
    for problem in PROBLEMS:
        for title, description in problem.phrasings:
            for _ in range(per_phrasing):
                number += 1
                opened = start + timedelta(hours=7 * number)
                text = ticket_file(number, problem, as_typed(title, rng, typo_rate).replace(
                    '"', "'"), as_typed(description, rng, typo_rate), opened)
                (root / "tickets" / f"T-{opened:%Y%m%d}-{number:04d}.md").write_text(text)
    return number


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--per-phrasing", type=int, default=3)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    count = write_quality_vault(args.out, args.per_phrasing, args.seed)
    print(f"{count} tickets, {len(PROBLEMS)} KB entries in {args.out}")


if __name__ == "__main__":
    main()
