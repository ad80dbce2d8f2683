"""Independent sources: wire copies and one outlet's articles count once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from ..model import Article


def source_keys(articles: Sequence[Article]) -> dict[str, str]:
    """Article id -> independent-source label: a wire copy counts with its family (every copy of one text, whoever
    ran it), an outlet's own articles count once. An outlet running two wires' copies does not join the wires."""
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

    for a in articles:
        if a.duplicate_of and a.duplicate_of in parent:
            union(a.id, a.duplicate_of)
    family: dict[str, list[Article]] = defaultdict(list)
    for a in articles:
        family[find(a.id)].append(a)
    # an article in no copy family counts with its outlet's other articles (and that outlet's copy family, if
    # any); two copy families never join through an outlet that ran both
    by_outlet: dict[str, str] = {}
    for root, arts in sorted(family.items(), key=lambda kv: -len(kv[1])):
        for a in arts:
            o = a.outlet.strip().lower()
            if not o:
                continue
            if len(arts) > 1:
                by_outlet.setdefault(o, root)
            elif o in by_outlet:
                union(root, by_outlet[o])
            else:
                by_outlet[o] = root
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
