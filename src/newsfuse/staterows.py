"""Row-by-row saves of the streaming stages' state (dedupe index, story clusterer).

`Rows` is one save's change set, which the store applies in one transaction; `json_default` is the JSON
fallback that rows and whole-state saves share (numpy values as lists, sets as sorted lists).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Rows:
    """One save's row changes: `replace` drops every row first, `clear` whole kinds; then deletes, then puts."""

    replace: bool = False
    clear: list[str] = field(default_factory=list)
    put: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, key, JSON value)
    delete: list[tuple[str, str]] = field(default_factory=list)  # (kind, key)


def json_default(obj: Any) -> Any:
    """JSON for what `json` cannot write: numpy values become lists, sets sorted lists, the rest strings."""
    if hasattr(obj, "tolist"):  # numpy arrays / scalars in cluster keys
        return obj.tolist()
    if isinstance(obj, (set, frozenset)):
        return sorted(obj)
    return str(obj)
