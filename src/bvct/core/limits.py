"""A ceiling on a server process's memory, whatever a request asks of it.

The import's own bounds (docs/deployment.md) keep an upload from expanding past a stated size;
this is the backstop behind them: a worker's address space is capped with ``RLIMIT_AS``, so an
allocation past it fails in that one request (a ``MemoryError``, answered as a server error and
logged) instead of growing the process until the kernel kills it and whatever shares the
machine (PostgreSQL included).
"""

from __future__ import annotations

import resource

MB = 1024 * 1024


def apply_memory_limit(megabytes: int) -> int | None:
    """Cap this process's address space at ``megabytes`` (0: no cap). Never raises a cap the
    environment already set lower. Returns the cap in force, in bytes, or None."""
    if megabytes <= 0:
        return None
    wanted = megabytes * MB
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    return wanted
