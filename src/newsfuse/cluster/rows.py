"""Saving the streaming clusterer row by row: only what changed since it was loaded or last saved.

Reads a `StoryClusterer` and its `Changes` (stories, window documents, merges and frequency keys touched
since the last save); adds `changed_rows`: a small head plus the rows to put or delete (one per story,
window document and merge; the document frequencies as a packed base plus patches), and `from_rows`.
"""

from __future__ import annotations

import base64
import json
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..staterows import Rows, json_default
from . import features as F
from .snapshot import doc_state, from_state, head_state, story_state

if TYPE_CHECKING:
    from .stream import Embedder, StoryClusterer

VERSION = 3  # head version: the state lives in rows
STORY, DOC, MERGED, DF = "story", "doc", "merged", "df"  # row kinds
_BASE = "base"  # the df row holding every non-zero frequency; patches are "p<seq>"
_MIN_BASE = 1 << 16  # patches may grow to this many entries (or the base's size) before a new base is written


@dataclass
class _Order:
    """Row order of a dict whose insertion order matters: key -> position n, the next n, keys touched since."""

    n: dict[str, int] = field(default_factory=dict)
    next: int = 0
    dirty: set[str] = field(default_factory=set)

    def rows(self, kind: str, live: dict[str, Any], encode: Any, rows: Rows) -> None:
        """Put the touched keys still in `live` (new ones after the rest, in dict order); delete the others."""
        for key, value in live.items():
            if key in self.dirty:
                n = self.n.get(key)
                if n is None:  # (re-)inserted since the last save: it sits after every key saved before
                    n = self.n[key] = self.next
                    self.next += 1
                rows.put.append((kind, key, json.dumps([n, encode(value)], default=json_default)))
        rows.delete += [(kind, key) for key in self.dirty if key not in live]
        self.dirty = set()


@dataclass
class Changes:
    """What changed in a clusterer since its rows were loaded or saved; not tracked until rows exist (`synced`)."""

    synced: bool = False
    stories: _Order = field(default_factory=_Order)
    docs: _Order = field(default_factory=_Order)
    merged: _Order = field(default_factory=_Order)
    df_touched: np.ndarray | None = None  # mask of frequency keys counted since the last save
    df_seq: int = 0  # patches written since the base
    df_patched: int = 0  # entries in those patches

    def story(self, sid: str) -> None:
        """A story was opened or changed in place."""
        if self.synced:
            self.stories.dirty.add(sid)

    def story_gone(self, sid: str) -> None:
        """A story left the active set (should its id come back, it comes back last)."""
        if self.synced:
            self.stories.dirty.add(sid)
            self.stories.n.pop(sid, None)

    def doc(self, aid: str) -> None:
        """A window document was added (or replaced in place)."""
        if self.synced:
            self.docs.dirty.add(aid)

    def doc_gone(self, aid: str) -> None:
        """A document left the re-clustering window."""
        if self.synced:
            self.docs.dirty.add(aid)
            self.docs.n.pop(aid, None)

    def merges(self, sids: Iterable[str]) -> None:
        """These vanished story ids were added to `merged_into`."""
        if self.synced:
            self.merged.dirty.update(sids)

    def count(self, keys: np.ndarray) -> None:
        """These frequency keys were counted."""
        if self.synced:
            if self.df_touched is None:
                self.df_touched = np.zeros(F.HASH_SIZE, dtype=bool)
            self.df_touched[keys] = True


def _pack_df(keys: np.ndarray, counts: np.ndarray) -> str:
    raw = [zlib.compress(np.asarray(x, dtype="<i4").tobytes()) for x in (keys, counts)]
    return json.dumps([base64.b64encode(r).decode("ascii") for r in raw])


def _unpack_df(value: str) -> tuple[np.ndarray, np.ndarray]:
    keys, counts = (np.frombuffer(zlib.decompress(base64.b64decode(x)), dtype="<i4") for x in json.loads(value))
    return keys.astype(np.int64), counts.astype(np.int32)


def changed_rows(sc: StoryClusterer) -> tuple[dict[str, Any], Rows]:
    """The head (config, counters) and the rows changed since the last save; all rows when none exist yet.

    Valid once: it advances the clusterer's change tracking, so if writing them fails, reload the clusterer.
    """
    ch = sc.changes
    rows = Rows(replace=not ch.synced)
    if not ch.synced:  # first save as rows: every key, positions in dict order
        ch.stories, ch.docs, ch.merged = (_Order(dirty=set(d)) for d in (sc.stories, sc.docs, sc.merged_into))
    ch.stories.rows(STORY, sc.stories, story_state, rows)
    ch.docs.rows(DOC, sc.docs, doc_state, rows)
    ch.merged.rows(MERGED, sc.merged_into, lambda v: v, rows)
    touched = np.flatnonzero(ch.df_touched) if ch.synced and ch.df_touched is not None else np.zeros(0, np.int64)
    if not ch.synced or len(touched):
        nz = np.flatnonzero(sc.df)
        if not ch.synced or ch.df_patched + len(touched) > max(len(nz), _MIN_BASE):  # patches outgrew the base
            rows.clear += [DF] if ch.synced else []
            rows.put.append((DF, _BASE, _pack_df(nz, sc.df[nz])))
            ch.df_seq = ch.df_patched = 0
        else:  # the new counts of the touched keys, applied over the base in order
            rows.put.append((DF, f"p{ch.df_seq:012d}", _pack_df(touched, sc.df[touched])))
            ch.df_seq += 1
            ch.df_patched += len(touched)
    ch.df_touched = None
    ch.synced = True
    head = head_state(sc)
    head.update(
        version=VERSION, rows=True, df_seq=ch.df_seq, df_patched=ch.df_patched,
        order={STORY: ch.stories.next, DOC: ch.docs.next, MERGED: ch.merged.next},
    )
    return head, rows


def from_rows(
    cls: type[StoryClusterer], head: dict[str, Any], rows: dict[str, dict[str, str]], *,
    embedder: Embedder | None = None,
) -> StoryClusterer:
    """Rebuild a clusterer from `changed_rows` output as stored: the head and {kind: {key: JSON value}}."""
    ordered = {kind: sorted(((*json.loads(v), k) for k, v in rows.get(kind, {}).items()), key=lambda r: r[0])
               for kind in (STORY, DOC, MERGED)}
    state = dict(head)
    state.update(
        stories=[payload for _n, payload, _k in ordered[STORY]],
        docs=[[k, *payload] for _n, payload, k in ordered[DOC]],
        merged_into={k: payload for _n, payload, k in ordered[MERGED]},
        df_keys=[], df_counts=[],
    )
    sc = from_state(cls, state, embedder=embedder)
    df = rows.get(DF, {})
    for key in ([_BASE] if _BASE in df else []) + sorted(k for k in df if k != _BASE):
        keys, counts = _unpack_df(df[key])
        sc.df[keys] = counts
    orders = head.get("order", {})
    sc.changes = Changes(
        synced=True, df_seq=head.get("df_seq", 0), df_patched=head.get("df_patched", 0),
        **{attr: _Order({k: n for n, _p, k in ordered[kind]}, orders.get(kind, 0))
           for attr, kind in (("stories", STORY), ("docs", DOC), ("merged", MERGED))},
    )
    return sc


def merged_into(rows: dict[str, str]) -> dict[str, str]:
    """The `merged_into` map from stored merge rows ({vanished id: JSON [n, id now]})."""
    return {k: json.loads(v)[1] for k, v in rows.items()}
