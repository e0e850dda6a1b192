"""A Python site engine (MkDocs, ProperDocs) started before its pages exist.

    python -m opsvault.site_engine ENGINE build --config-file mkdocs.yml [ARG ...]

loads the engine with the theme, plugins and Markdown extensions the config names, then waits
for one line on standard input: `build` runs `ENGINE build ...` exactly as its own command line
would (same arguments, same exit code); anything else, or the end of input (opsvault stopped
before the pages were ready), exits without building. `opsvault build` starts it before
generating the pages, so that the engine's start-up (a third of a small site's build) runs on
the second core while opsvault writes the staging folder.

Only the standard library is imported here besides the engine: this process is the engine's.
"""

from __future__ import annotations

import importlib
import logging
import runpy
import sys

GO = "build"


def main() -> int:
    engine, *arguments = sys.argv[1:]
    try:
        _load(engine, _config_file(arguments))
        told = sys.stdin.readline().strip()
    except KeyboardInterrupt:  # Ctrl+C reaches the whole process group: opsvault says it
        return 130
    if told != GO:
        return 0
    # As `python -m ENGINE ...` runs it (its modules already loaded): it exits with its code.
    sys.argv = [engine, *arguments]
    runpy.run_module(engine, run_name="__main__", alter_sys=True)
    return 0


def _config_file(arguments: list[str]) -> str | None:
    if "--config-file" in arguments[:-1]:
        return arguments[arguments.index("--config-file") + 1]
    return None


def _load(engine: str, config_file: str | None) -> None:
    """Import what the build will use. Best effort: whatever fails here, the build itself
    meets again and reports, so nothing is said now."""
    logging.disable(logging.CRITICAL)  # the build prints the config's warnings, once
    try:
        importlib.import_module(f"{engine}.__main__")
        importlib.import_module(f"{engine}.commands.build")
        if config_file is not None:
            # Loading the config imports the theme, plugins and Markdown extensions it names.
            importlib.import_module(f"{engine}.config").load_config(config_file=config_file)
    except Exception:  # the build meets it again and reports it
        pass
    finally:
        logging.disable(logging.NOTSET)


if __name__ == "__main__":
    sys.exit(main())
