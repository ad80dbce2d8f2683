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
from typing import Any, TypeVar, Union

from . import model
from .staterows import json_default

T = TypeVar("T")


def dumps(obj: Any) -> str:
    """JSON text of `obj` (dataclasses via `to_dict`; numpy values become lists)."""
    return json.dumps(model.to_dict(obj), ensure_ascii=False, default=json_default)


@functools.lru_cache(maxsize=None)
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, vars(model))


def _convert(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (Union, types.UnionType):
        for arg in args:
            if arg is type(None):
                continue
            if dataclasses.is_dataclass(arg) and isinstance(value, dict):
                return from_dict(arg, value)
            if typing.get_origin(arg) in (list, tuple, dict):
                return _convert(arg, value)
        return value
    if origin is list:
        return [_convert(args[0], v) for v in value] if args else list(value)
    if origin is tuple:
        if args and args[-1] is not Ellipsis:
            return tuple(_convert(a, v) for a, v in zip(args, value))
        return tuple(value)
    if origin is dict:
        return {k: _convert(args[1], v) for k, v in value.items()} if args else dict(value)
    if dataclasses.is_dataclass(tp) and isinstance(value, dict):
        return from_dict(tp, value)
    if tp is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def from_dict(cls: type[T], data: dict[str, Any]) -> T:
    """Rebuild a `model` dataclass (recursively) from its `to_dict` form."""
    hints = _hints(cls)
    kwargs = {f.name: _convert(hints[f.name], data[f.name]) for f in dataclasses.fields(cls) if f.name in data}
    return cls(**kwargs)
