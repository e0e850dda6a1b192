"""vault/team.yml rules: each technician has a unique handle, a name and a known level."""

from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Diagnostic, error
from ..schema import TEAM_PATH, TECHNICIAN_FIELDS, suggest
from .context import CheckContext


def check(context: CheckContext) -> Iterator[Diagnostic]:
    team = context.vault.team
    if not team.present:
        return
    if "technicians" not in team.key_lines:
        yield error(TEAM_PATH, 1, "invalid-team",
                    "team.yml needs a 'technicians:' list of handle/name/level entries")
        return
    settings = context.vault.settings
    seen: dict[str, int] = {}
    for index, technician in enumerate(team.technicians):
        prefix = f"technicians.{index}"

        def line(key: str, prefix: str = prefix) -> int:
            return team.key_lines.get(f"{prefix}.{key}", team.key_lines.get(prefix, 1))

        for key, spec in TECHNICIAN_FIELDS.items():
            if spec.required and not technician.meta.get(key):
                yield error(TEAM_PATH, line(key), "missing-field",
                            f"technician {index + 1}: required field '{key}' is missing")
        if technician.level and technician.level not in settings.levels:
            yield error(TEAM_PATH, line("level"), "invalid-value",
                        f"level '{technician.level}' is not one of {', '.join(settings.levels)}"
                        f"{suggest(technician.level, settings.levels)}")
        for skill in technician.skills:
            if settings.normalise_category(skill) is None:
                yield error(TEAM_PATH, line("skills"), "invalid-value",
                            f"skill '{skill}' is not a category"
                            f"{suggest(skill, settings.categories)}")
        capacity = technician.meta.get("capacity")
        if capacity is not None and technician.capacity is None:
            yield error(TEAM_PATH, line("capacity"), "invalid-value",
                        f"capacity '{capacity}' is not a whole number")
        active = technician.meta.get("active")
        if active is not None and not isinstance(active, bool):
            yield error(TEAM_PATH, line("active"), "invalid-value",
                        f"active '{active}' is not true or false")
        if technician.handle:
            if technician.handle in seen:
                yield error(TEAM_PATH, line("handle"), "duplicate-id",
                            f"handle '{technician.handle}' is also on line "
                            f"{seen[technician.handle]}")
            seen.setdefault(technician.handle, line("handle"))
