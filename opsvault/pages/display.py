"""How times, ages and durations read on the site (in the vault's time zone)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo


def local_time(moment: datetime | None, zone: tzinfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else ""


def local_date(moment: datetime | date | None, zone: tzinfo) -> str:
    if isinstance(moment, datetime):
        return moment.astimezone(zone).strftime("%Y-%m-%d")
    return moment.isoformat() if moment else ""


def span(delta: timedelta | float | None) -> str:
    """`3d 4h`, `5h 20m`, `12m`: a duration (or minutes) in its two largest units."""
    if delta is None:
        return ""
    minutes = int(abs(delta.total_seconds() if isinstance(delta, timedelta) else delta * 60)
                  // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h {minutes}m" if minutes else f"{hours}h"
    return f"{minutes}m"
