"""Reading the project's own YAML files (the frameworks in principles/, the locale tables).

PyYAML's C parser (libyaml, in PyYAML's wheels) reads them about ten times faster than its pure
Python one: half a second less for every process that starts (each app instance, each worker
the benchmark spawns). Uploaded frameworks keep the Python parser, whose messages and line
marks the upload check shows to its user."""

from __future__ import annotations

from typing import IO, Any

import yaml

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(source: str | IO[str]) -> Any:
    """The data in a YAML text (tags beyond plain YAML refused, as yaml.safe_load does)."""
    return yaml.load(source, Loader=SAFE_LOADER)
