"""Many rows written in one transaction (a spreadsheet import, a nota): scopes the apps add.

Some apps do per-row work in signals that one transaction needs only once: the plan's
stamp (beleidsplan/stamps.py) is raised by every saved row, and on PostgreSQL each raise
writes the same plan row again, so a transaction of n rows costs n² (every update walks
the row's earlier versions of the same transaction). Code that writes many rows enters
``many_rows()``; each app registers what it does instead (``register``) when it starts.
The shared layer imports no app, so the apps come to it.
"""

from collections.abc import Callable
from contextlib import AbstractContextManager, ExitStack, contextmanager

_scopes: list[Callable[[], AbstractContextManager]] = []


def register(scope: Callable[[], AbstractContextManager]) -> None:
    """Add a scope (a context manager factory) that ``many_rows`` enters. Once per app."""
    if scope not in _scopes:
        _scopes.append(scope)


@contextmanager
def many_rows():
    """Enter every registered scope around the writing of many rows. Use inside the
    transaction that writes them."""
    with ExitStack() as stack:
        for scope in _scopes:
            stack.enter_context(scope())
        yield
