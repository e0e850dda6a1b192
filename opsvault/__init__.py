"""opsvault: an IT help desk kept as Markdown in git."""

import os

__version__ = "0.1.0"

# GitPython refuses to be imported when no git executable is on PATH. opsvault works without
# git (history features then say they are off), so the import must not fail: each git command
# that runs raises GitCommandNotFound instead, which the callers report in one line.
os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")
