"""`python -m opsvault.cli`: the same as the `opsvault` command."""

from . import main

main()
