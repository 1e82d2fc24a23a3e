"""``python -m spinekg``: the command line."""

from .cli import run

run()
