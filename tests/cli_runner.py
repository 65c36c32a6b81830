"""Runs the command line the way `python -m kringwijs_survey ARGS` does, inside the test process.

A new interpreter per command costs more than a second of imports, and the suite runs the
command line about a hundred times. `test_cli.py` keeps one real `python -m kringwijs_survey`
run, so the entry point itself stays covered.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import traceback
from dataclasses import dataclass
from unittest import mock

from kringwijs_survey import cli


@dataclass(frozen=True)
class CliResult:
    returncode: int
    stdout: str
    stderr: str


def run_cli(db_url: str, *args: str, stdin: str | None = None, unset: tuple[str, ...] = (), **env: str) -> CliResult:
    """Runs `python -m kringwijs_survey *args` with DATABASE_URL=db_url, the extra environment
    `env` and without the variables in `unset`. An exception that would end the real process
    with a traceback gives exit code 1 and the traceback on stderr, as the process would."""
    out, err = io.StringIO(), io.StringIO()
    environment = {key: value for key, value in os.environ.items() if key not in unset}
    environment.update(DATABASE_URL=db_url, **env)
    with (
        mock.patch.dict(os.environ, environment, clear=True),
        mock.patch.object(sys, "stdin", io.StringIO(stdin or "")),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        try:
            code = cli.main(list(args))
        except SystemExit as exit_:  # argparse and sys.exit
            code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
            if isinstance(exit_.code, str):
                print(exit_.code, file=sys.stderr)
        except Exception:
            traceback.print_exc()
            code = 1
    return CliResult(code or 0, out.getvalue(), err.getvalue())
