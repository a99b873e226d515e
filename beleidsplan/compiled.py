"""Small queries the ORM compiles once per process and that then run with other values.

Every page starts with "which plan, in which state, may this visitor read" (reading.py):
one small query. Turning that queryset into SQL costs the ORM about three times what
running it costs PostgreSQL (at ten times the seed's plan: about 1.4 ms of Python against
0.5 ms for the query), and for a visitor who gets a page kept whole it is most of the
request. So such a query is written as a queryset as usual; the ORM compiles it once, with
stand-in values for its parameters, and each later call runs that SQL with the real values
and the compiler's own converters (SQLite's dates and booleans come back as Python values,
as from the queryset).

For ``values_list`` querysets whose parameters are plain values in exact lookups, read
often. It relies on the SQL compiler's ``as_sql``, ``get_converters`` and
``apply_converters`` (what ``QuerySet`` itself runs); the whole test suite runs through it
on SQLite and PostgreSQL.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections
from django.db.models import QuerySet

# Stand-ins for the parameters while compiling: values no constant of a query has (not 0 or
# 1, which equal False and True), and within every integer column's range (the ORM turns
# an out-of-range value into an empty result instead of SQL).
_STAND_IN = 2_147_480_001


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    slots: tuple  # per parameter: the index of the caller's value, or None (a constant)
    compiler: object
    converters: dict


class CompiledValues:
    """``build(*values)`` (a ``values_list`` queryset), compiled once per database alias.

    ``rows(*values)`` gives what ``list(build(*values))`` gives, as tuples, in one query.
    """

    def __init__(self, build: Callable[..., QuerySet], arity: int = 1):
        self.build = build
        self.arity = arity
        self._by_alias: dict[str, _Compiled] = {}
        self._lock = threading.Lock()

    def _compile(self, alias: str) -> _Compiled:
        stand_ins = [_STAND_IN + i for i in range(self.arity)]
        queryset = self.build(*stand_ins)
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        slots = tuple(
            stand_ins.index(value)
            if isinstance(value, int) and not isinstance(value, bool) and value in stand_ins
            else None
            for value in params
        )
        if {slot for slot in slots if slot is not None} != set(range(self.arity)):
            raise ValueError(f"{sql!r}: every value must be a parameter of an exact lookup")
        columns = [select[0] for select in compiler.select[: compiler.col_count]]
        return _Compiled(
            sql=sql, params=tuple(params), slots=slots, compiler=compiler,
            converters=compiler.get_converters(columns),
        )

    def rows(self, *values, using: str = "default") -> list[tuple]:
        compiled = self._by_alias.get(using)
        if compiled is None:
            with self._lock:
                compiled = self._by_alias.setdefault(using, self._compile(using))
        params = [
            constant if slot is None else values[slot]
            for constant, slot in zip(compiled.params, compiled.slots, strict=True)
        ]
        with connections[using].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if compiled.converters:
            rows = compiled.compiler.apply_converters(rows, compiled.converters)
        return [tuple(row) for row in rows]
