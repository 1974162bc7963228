"""Hand-written reads for the busiest requests: rows of several models joined, as instances.

Building SQL in the ORM cost more than running it: on the ballot's path (the voting page and
the API), each read spent most of its time in Django's compiler, and a plenary sends thousands
of these requests in a minute. The few reads on that path are written once as SQL here, with
the columns each model has (from its fields, so a migration changes them too), and their rows
become model instances as the ORM makes them (`Model.from_db`), related ones attached as
`select_related` would attach them. Everywhere else the ORM stays the way to read.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.signals import post_init, post_save, pre_init, pre_save


@cache
def _names(model: type[Model]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The model's concrete fields: attribute names, and column names."""
    fields = model._meta.concrete_fields
    return tuple(f.attname for f in fields), tuple(str(f.column) for f in fields)


def columns(model: type[Model], alias: str) -> str:
    """`alias."col", alias."col2", …`: every column of `model`, for a SELECT list."""
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(column)}" for column in _names(model)[1])


def table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def width(model: type[Model]) -> int:
    return len(_names(model)[0])


def instance[M: Model](model: type[M], row: Sequence[Any], start: int = 0) -> M | None:
    """The instance in `row[start:]` (its columns as `columns` lists them), None if its
    primary key is NULL (the empty side of a LEFT JOIN)."""
    attnames = _names(model)[0]
    values = row[start : start + len(attnames)]
    if values[_key_position(model)] is None:
        return None
    # The database's converters (e.g. JSON, booleans on SQLite) as the ORM applies them.
    converted = [_convert(model, name, value) for name, value in zip(attnames, values, strict=True)]
    if not _plain(model) or pre_init.has_listeners(model) or post_init.has_listeners(model):
        return model.from_db(connection.alias, list(attnames), converted)
    # What `from_db` makes of a full row, without the general path of Model.__init__ (keyword
    # arguments, deferred fields, a descriptor per field), which no signal or override of this
    # model needs: the values as attributes, the state of an instance read from the database.
    made = model.__new__(model)
    made.__dict__.update(zip(attnames, converted, strict=True))
    made._state = ModelState()
    made._state.adding = False
    made._state.db = connection.alias
    return made


@cache
def _plain(model: type[Model]) -> bool:
    """The model makes its instances as Django's Model does: no __init__ or from_db of its own,
    and a forward relation stored in an attribute no descriptor turns into something else."""
    return (
        model.__init__ is Model.__init__
        and model.from_db.__func__ is Model.from_db.__func__  # type: ignore[attr-defined]
        and model.__setattr__ is Model.__setattr__
    )


@cache
def _key_position(model: type[Model]) -> int:
    return _names(model)[0].index(model._meta.pk.attname)


@cache
def _converters(model: type[Model]) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for field in model._meta.concrete_fields:
        expression = field.get_col(model._meta.db_table)
        chain = connection.ops.get_db_converters(expression) + expression.get_db_converters(
            connection
        )
        if chain:
            found[field.attname] = [(c, expression) for c in chain]
    return found


def _convert(model: type[Model], attname: str, value: Any) -> Any:
    for converter, expression in _converters(model).get(attname, ()):
        value = converter(value, expression, connection)
    return value


def fetch(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def attach(instance_: Model, field_name: str, related: Model | None) -> None:
    """Set a forward relation as select_related does: reading it costs no query."""
    field = instance_._meta.get_field(field_name)
    field.set_cached_value(instance_, related)  # type: ignore[union-attr]


def prefetched(instance_: Model, related_name: str, rows: list[Any]) -> None:
    """Set a reverse relation as prefetch_related does: `instance.<name>.all()` is `rows`."""
    manager = getattr(instance_, related_name)
    queryset = manager.get_queryset()
    queryset._result_cache = rows
    queryset._prefetch_done = True
    cache_name = manager.field.remote_field.cache_name
    if not hasattr(instance_, "_prefetched_objects_cache"):
        instance_._prefetched_objects_cache = {}  # type: ignore[attr-defined]
    instance_._prefetched_objects_cache[cache_name] = queryset  # type: ignore[attr-defined]


@cache
def _insert_sql(model: type[Model], columns_: tuple[str, ...], returning: bool) -> str:
    names = ", ".join(quoted(c) for c in columns_)
    marks = ", ".join(["%s"] * len(columns_))
    sql = f"INSERT INTO {table(model)} ({names}) VALUES ({marks})"
    if returning:
        sql += f" RETURNING {quoted(str(model._meta.pk.column))}"
    return sql


@cache
def _inserted_fields(model: type[Model], auto_key: bool) -> tuple[Any, ...]:
    """The fields an INSERT writes: all stored ones, but the key when the database picks it."""
    meta = model._meta
    return tuple(
        f
        for f in meta.local_concrete_fields
        if not getattr(f, "generated", False) and not (auto_key and f is meta.pk)
    )


def insert(obj: Model) -> None:
    """Store a new `obj` as `obj.save()` does (defaults, `pre_save` of each field, the save
    signals, the primary key read back), in one statement built once per model."""
    model = type(obj)
    meta = model._meta
    pre_save.send(sender=model, instance=obj, raw=False, using=connection.alias, update_fields=None)
    auto_key = obj.pk is None
    fields = _inserted_fields(model, auto_key)
    values = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    returning = auto_key and connection.features.can_return_columns_from_insert
    sql = _insert_sql(model, tuple(str(f.column) for f in fields), returning)
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        if auto_key:
            key = (
                cursor.fetchone()[0]
                if returning
                else connection.ops.last_insert_id(cursor, meta.db_table, str(meta.pk.column))
            )
            setattr(obj, meta.pk.attname, key)
    obj._state.adding = False
    obj._state.db = connection.alias
    post_save.send(
        sender=model,
        instance=obj,
        created=True,
        update_fields=None,
        raw=False,
        using=connection.alias,
    )
