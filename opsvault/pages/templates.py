"""Jinja2 for the generated pages: Markdown templates escape every value for Markdown (so a
title can never become markup or HTML), SVG templates escape for XML. Values that are already
Markdown (converted notes, links) are passed as `Markup`."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from ..jinja_cache import compiled_templates
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
                       lstrip_blocks=True, keep_trailing_newline=True,
                       bytecode_cache=compiled_templates())


@cache
def _svg_environment() -> Environment:
    return Environment(loader=PackageLoader("opsvault", "templates/site"), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                       bytecode_cache=compiled_templates())


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
    # Written by hand rather than with yaml.safe_dump, which took a fifth of the generation
    # time; a JSON string is a valid YAML double-quoted scalar.
    lines = ["---", f"title: {json.dumps(page_title(title), ensure_ascii=False)}"]
    if tags:
        lines.append("tags:")
        lines += [f"- {json.dumps(tag, ensure_ascii=False)}" for tag in tags]
    if exclude_from_search:
        lines += ["search:", "  exclude: true"]
    elif boost is not None:
        lines += ["search:", f"  boost: {boost:g}"]
    if hide:
        lines.append("hide:")
        lines += [f"- {json.dumps(item)}" for item in hide]
    return "\n".join(lines) + "\n---\n"


def listing_front_matter(title: str) -> str:
    """A listing page (an index, a category, the tags): kept out of search, where its hits
    would only stand in front of the entries it lists."""
    return front_matter(title, exclude_from_search=True)
