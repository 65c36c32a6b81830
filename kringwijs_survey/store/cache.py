"""Reads of the database cached until the next write anywhere (database.data_revision): every
app instance sees a write at its next read, and no cached frame is ever changed by a caller."""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict

import pandas as pd
from sqlalchemy import Engine

from kringwijs_survey.store.database import data_revision

_cache: OrderedDict[tuple, object] = OrderedDict()
_cache_lock = threading.Lock()
CACHE_SIZE = 64


def cached_per_revision(compute):
    """Cache a pure read of the database until the next write anywhere (see data_revision).

    The wrapped function takes the engine first and hashable arguments after it; callers get
    a copy of a cached frame (or the same frozen object), so they can never change the cache."""

    @functools.wraps(compute)
    def wrapper(engine: Engine, *args, **kwargs):
        key = (compute.__qualname__, str(engine.url), args, tuple(sorted(kwargs.items())), data_revision(engine))
        with _cache_lock:
            if key in _cache:
                _cache.move_to_end(key)
                found = _cache[key]
                return found.copy() if isinstance(found, pd.DataFrame) else found
        result = compute(engine, *args, **kwargs)
        with _cache_lock:
            _cache[key] = result
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
        return result.copy() if isinstance(result, pd.DataFrame) else result

    return wrapper
