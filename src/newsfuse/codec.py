"""Model dataclasses to and from JSON text: `dumps` writes (via `model.to_dict`), `from_dict` loads back by type hints.

Unknown keys are ignored and missing ones take the dataclass default, so older stored rows still load
after the model grows a field.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import types
import typing
from collections.abc import Callable
from typing import Any, TypeVar, Union

from . import model
from .staterows import json_default

T = TypeVar("T")


def dumps(obj: Any) -> str:
    """JSON text of `obj` (dataclasses as `to_dict` writes them; numpy values become lists). The encoder walks
    lists and dicts itself and asks `_default` only for a dataclass's fields: the text `json.dumps(to_dict(obj))`
    gives, without first copying every value of a stored analysis or brief in Python."""
    return json.dumps(obj, ensure_ascii=False, default=_default)


def _default(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {name: getattr(obj, name) for name in model.field_names(type(obj))}
    return json_default(obj)


@functools.lru_cache(maxsize=None)
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, vars(model))


def _convert(tp: Any, value: Any) -> Any:
    return _converter(tp)(value)


def _same(value: Any) -> Any:
    return value


@functools.lru_cache(maxsize=None)
def _converter(tp: Any) -> Callable[[Any], Any]:
    """How to load a value of type hint `tp`, worked out once per hint (a stored analysis has hundreds of
    thousands of values; reading `typing` for each cost more than the JSON parse)."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (Union, types.UnionType):
        members = [a for a in args if a is not type(None)]

        def union(value: Any) -> Any:
            if value is None:
                return None
            for arg in members:
                if dataclasses.is_dataclass(arg) and isinstance(value, dict):
                    return from_dict(arg, value)
                if typing.get_origin(arg) in (list, tuple, dict):
                    return _convert(arg, value)
            return value

        return union
    if origin is list:
        if not args:
            return lambda value: None if value is None else list(value)
        item = _converter(args[0])
        if item is _same:
            return lambda value: None if value is None else list(value)
        return lambda value: None if value is None else [item(v) for v in value]
    if origin is tuple:
        if args and args[-1] is not Ellipsis:
            parts = [_converter(a) for a in args]
            return lambda value: None if value is None else tuple(c(v) for c, v in zip(parts, value))
        return lambda value: None if value is None else tuple(value)
    if origin is dict:
        if not args:
            return lambda value: None if value is None else dict(value)
        val = _converter(args[1])
        return lambda value: None if value is None else {k: val(v) for k, v in value.items()}
    if dataclasses.is_dataclass(tp):
        return lambda value: from_dict(tp, value) if isinstance(value, dict) else value
    if tp is float:
        return lambda value: float(value) if isinstance(value, int) and not isinstance(value, bool) else value
    return _same


@functools.lru_cache(maxsize=None)
def _fields(cls: type) -> tuple[tuple[str, Callable[[Any], Any]], ...]:
    hints = _hints(cls)
    return tuple((f.name, _converter(hints[f.name])) for f in dataclasses.fields(cls))


def from_dict(cls: type[T], data: dict[str, Any]) -> T:
    """Rebuild a `model` dataclass (recursively) from its `to_dict` form."""
    return cls(**{name: conv(data[name]) for name, conv in _fields(cls) if name in data})
