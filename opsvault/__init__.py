"""opsvault: an IT help desk kept as Markdown in git."""

__version__ = "0.1.0"
