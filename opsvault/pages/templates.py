"""Jinja2 for the generated pages: Markdown templates escape every value for Markdown (so a
title can never become markup or HTML), SVG templates escape for XML. Values that are already
Markdown (converted notes, links) are passed as `Markup`."""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from .obsidian.escape import escape_text


def _markdown_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    return escape_text(str(value))


@cache
def _markdown_environment() -> Environment:
    return Environment(loader=PackageLoader("opsvault", "templates/site"), autoescape=False,
                       finalize=_markdown_value, undefined=StrictUndefined, trim_blocks=True,
                       lstrip_blocks=True, keep_trailing_newline=True)


@cache
def _svg_environment() -> Environment:
    return Environment(loader=PackageLoader("opsvault", "templates/site"), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def render_markdown(name: str, **context: Any) -> str:
    """A Markdown page (or part of one) from `templates/site/<name>`."""
    return _markdown_environment().get_template(name).render(**context)


def render_svg(name: str, **context: Any) -> Markup:
    """An inline SVG chart from `templates/site/<name>`, as one line of HTML.

    Python-Markdown ends a raw HTML block at a blank line, so the chart is joined into one
    line with no blank lines inside.
    """
    text = _svg_environment().get_template(name).render(**context)
    return Markup(" ".join(line.strip() for line in text.splitlines() if line.strip()))


def raw(markdown: str) -> Markup:
    """Markdown that is already safe (written by the converter or by this package)."""
    return Markup(markdown)


def page_title(text: str) -> str:
    """A title for front matter. The theme writes titles into its HTML unescaped (and into
    `<title>` after `striptags`, which unescapes entities), so angle brackets are replaced by
    look-alikes: a title can never become a tag."""
    return " ".join(text.replace("<", "‹").replace(">", "›").split())


def front_matter(title: str, *, tags: tuple[str, ...] = (), boost: float | None = None,
                 exclude_from_search: bool = False, hide: tuple[str, ...] = ()) -> str:
    """Curated front matter: only the keys the engine should read, never a vault field."""
    data: dict[str, Any] = {"title": page_title(title)}
    if tags:
        data["tags"] = list(tags)
    if exclude_from_search:
        data["search"] = {"exclude": True}
    elif boost is not None:
        data["search"] = {"boost": boost}
    if hide:
        data["hide"] = list(hide)
    return "---\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000) \
        + "---\n"
