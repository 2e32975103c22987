"""Changes to the stored tables: what a journal entry records, how it is applied and undone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Record = dict[str, Any]
Tables = dict[str, dict[str, Record]]


@dataclass(frozen=True, slots=True)
class Change:
    """One committed change: a record put or removed (key given), or a whole table replaced
    (key None). old/new are None where there was or is nothing."""

    table: str
    key: str | None
    old: Any
    new: Any


class Changes(list):
    """What a catch-up or a transaction changed, in order; ``reloaded`` when everything was
    read afresh (another process compacted), and the list then says nothing."""

    reloaded = False


class Reloaded(Changes):
    reloaded = True


def undo_change(tables: Tables, change: Change) -> None:
    """Put back what one change replaced (the rollback of a failed transaction)."""
    if change.key is None:
        if change.old is None:
            tables.pop(change.table, None)
        else:
            tables[change.table] = change.old
        return
    table = tables.get(change.table)
    if table is None:
        table = tables[change.table] = {}
    if change.old is None:
        table.pop(change.key, None)
        if not table:
            del tables[change.table]
    else:
        table[change.key] = change.old


def apply_op(tables: Tables, op: Any) -> Change:
    """Apply one journal operation; the change it made. ValueError if it is not one."""
    if not isinstance(op, list) or len(op) < 3 or not isinstance(op[1], str):
        raise ValueError(op)
    kind, name = op[0], op[1]
    if kind == "table":
        new = op[2]
        if new is not None and not isinstance(new, dict):
            raise ValueError(op)
        old = tables.pop(name, None) if new is None else tables.get(name)
        if new is not None:
            tables[name] = new
        return Change(name, None, old, new)
    key = op[2]
    if not isinstance(key, str):
        raise ValueError(op)
    table = tables.get(name)
    if kind == "put" and len(op) == 4 and isinstance(op[3], dict):
        if table is None:
            table = tables[name] = {}
        change = Change(name, key, table.get(key), op[3])
        table[key] = op[3]
        return change
    if kind == "del" and len(op) == 3 and table is not None and key in table:
        change = Change(name, key, table.pop(key), None)
        if not table:
            del tables[name]
        return change
    raise ValueError(op)


def op_of(change: Change) -> list[Any]:
    if change.key is None:
        return ["table", change.table, change.new]
    if change.new is None:
        return ["del", change.table, change.key]
    return ["put", change.table, change.key, change.new]
