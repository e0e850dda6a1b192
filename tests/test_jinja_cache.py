"""Compiled templates are kept between runs, and trouble with their folder never fails one."""

from __future__ import annotations

import os
from pathlib import Path

from jinja2 import DictLoader, Environment
from jinja2.bccache import bc_magic

from opsvault.jinja_cache import _QuietCache

TEMPLATES = {"page.md.j2": "# {{ title }}\n{% for n in items %}- {{ n }}\n{% endfor %}"}


def _render(cache: _QuietCache) -> str:
    environment = Environment(loader=DictLoader(TEMPLATES), bytecode_cache=cache)
    return environment.get_template("page.md.j2").render(title="T", items=[1, 2])


def test_a_second_run_loads_the_compiled_template_instead_of_compiling(tmp_path: Path) -> None:
    cache = _QuietCache(str(tmp_path))
    first = _render(cache)
    stored = list(tmp_path.iterdir())
    assert len(stored) == 1
    compiled = []
    original = Environment.compile

    def counting(self: Environment, *args: object, **kwargs: object) -> object:
        compiled.append(args)
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    Environment.compile = counting  # type: ignore[method-assign]
    try:
        assert _render(_QuietCache(str(tmp_path))) == first == "# T\n- 1\n- 2\n"
    finally:
        Environment.compile = original  # type: ignore[method-assign]
    assert compiled == []


def test_a_folder_that_is_gone_or_holds_garbage_means_compiling_again(tmp_path: Path) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    cache = _QuietCache(str(gone))
    os.rmdir(gone)
    assert _render(cache) == "# T\n- 1\n- 2\n"  # nothing could be written, nothing failed
    kept = tmp_path / "kept"
    kept.mkdir()
    _render(_QuietCache(str(kept)))
    for stored in kept.iterdir():
        # Cut short inside the source checksum, after a valid header.
        stored.write_bytes(stored.read_bytes()[:len(bc_magic) + 2])
    assert _render(_QuietCache(str(kept))) == "# T\n- 1\n- 2\n"
