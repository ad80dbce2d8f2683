"""Independent sources: wire copies and one outlet's articles count once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from ..model import Article


def source_keys(articles: Sequence[Article]) -> dict[str, str]:
    """Article id -> independent-source label: wire copies (`duplicate_of`) and one outlet's articles count once."""
    parent = {a.id: a.id for a in articles}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    by_outlet: dict[str, str] = {}
    for a in articles:
        if a.duplicate_of and a.duplicate_of in parent:
            union(a.id, a.duplicate_of)
        o = a.outlet.strip().lower()
        if o:
            if o in by_outlet:
                union(a.id, by_outlet[o])
            else:
                by_outlet[o] = a.id
    members: dict[str, list[Article]] = defaultdict(list)
    for a in articles:
        members[find(a.id)].append(a)
    labels = {}
    for root, arts in members.items():
        outlets = sorted({a.outlet.strip() for a in arts if a.outlet.strip()})
        label = " / ".join(outlets) if outlets else root
        for a in arts:
            labels[a.id] = label
    return labels
