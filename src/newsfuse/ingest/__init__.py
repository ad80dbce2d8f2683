"""Ingest: turn sources (files, directories, stdin, http(s) URLs) into raw `Article`s.

Reads plain text, HTML (main text + metadata via trafilatura), JSON/JSONL in the news-please
shape, story bundles (JSONL lines with an `articles` list), and RSS/Atom feeds (feedparser).
`.gz` inputs are read transparently; control characters (stray NULs) are stripped and noted in
`meta["control_characters"]`; a page nested deeper than the HTML parser allows is read by a streaming
text walk. A record may say `"clean": true` (its text is the article alone; cleaning keeps it whole).
A bad input (a true binary among them) never stops the batch: it becomes one `Problem` line naming
the input and what is wrong. `pipeline.read` is ingest followed by clean, the one reading path.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from collections.abc import Iterable, Iterator
from urllib.parse import urlparse

from ..model import Article
from .sources import (
    article_id_for_path, content_hash, decode, fetch_url, gunzip_bytes, IngestError, MAX_BYTES, Problem, read_bytes,
    short_hash, strip_controls, walk,
)
from .metadata import infer_outlet, outlet_name, stated_published
from .formats import parse


# --------------------------------------------------------------------------- public


def from_bytes(
    data: bytes, source: str, default_id: str, problems: list[Problem], hint: str = "", header: str = ""
) -> list[Article]:
    decoded, decoding = decode(data, source, header)
    text, note = strip_controls(decoded)
    arts = parse(text, source, default_id, hint)
    good = []
    for a in arts:
        if isinstance(a, IngestError):
            problems.append(Problem(source, str(a)))
        else:
            if note:
                a.meta.setdefault("control_characters", note)
            if decoding:
                a.meta["decoding"] = decoding
            good.append(a)
    return good


def _shown(path: str, given: str) -> str:
    """How a file is named in outputs: the path relative to what the user passed, never an absolute path.

    A relative argument is kept as written; an absolute one shows from its last part down
    (`/home/u/corpus` -> `corpus/04_review.txt`)."""
    if not os.path.isabs(given):
        return path
    base = os.path.dirname(os.path.normpath(given))
    return os.path.relpath(path, base) if path.startswith(base) else os.path.basename(path)


def _read_stream(fh, what: str) -> bytes:
    data = fh.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise IngestError(f"{what} too large (over {MAX_BYTES // 2**20} MB)")
    return gunzip_bytes(data)


def ingest_one(source: str, problems: list[Problem], shown: str | None = None) -> list[Article]:
    """Read one source (a file, a pipe or FIFO, a URL or "-" for stdin); problems are appended, never raised.

    `shown` is the name outputs use for a file (`source` of its articles); by default the path itself."""
    try:
        if source == "-":
            data = _read_stream(sys.stdin.buffer, "stdin")
            return from_bytes(data, "<stdin>", "stdin-" + short_hash(data.decode("utf-8", "replace")), problems)
        if source.startswith(("http://", "https://")):
            data, ctype = fetch_url(source)
            hint = "json" if "json" in ctype else ""
            arts = from_bytes(data, source, "url-" + short_hash(source), problems, hint, header=ctype)
            for a in arts:
                a.url = a.url or source
                if not a.outlet:
                    a.outlet = outlet_name(urlparse(source).hostname or "")
            return arts
        if not os.path.exists(source):
            raise IngestError("no such file or directory" if not os.path.islink(source) else _dangling(source))
        mode = os.stat(source).st_mode
        if stat.S_ISFIFO(mode):  # a pipe (`<(cmd)`, a named FIFO): read once, as a stream, like stdin
            with open(source, "rb") as fh:
                data = _read_stream(fh, "pipe")
            return from_bytes(data, shown or source, "pipe-" + short_hash(data.decode("utf-8", "replace")), problems)
        if not stat.S_ISREG(mode):
            what = ("a character device" if stat.S_ISCHR(mode) else "a block device" if stat.S_ISBLK(mode)
                    else "a socket" if stat.S_ISSOCK(mode) else "not a regular file")
            raise IngestError(f"{what}, not a file: not read")
        return from_bytes(read_bytes(source), shown or source, article_id_for_path(source), problems)
    except IngestError as exc:
        problems.append(Problem(source, str(exc)))
    except (OSError, ValueError, RecursionError) as exc:
        problems.append(Problem(source, f"cannot read ({type(exc).__name__}: {exc})"))
    return []


def expand_sources(sources: Iterable[str], problems: list[Problem]) -> Iterator[tuple[str, str]]:
    """(path to read, name shown in outputs) of every source, directories expanded (recursively, loop-safe).

    An empty directory is a problem line of its own."""
    for s in sources:
        if s != "-" and not s.startswith(("http://", "https://")) and os.path.isdir(s):
            n = 0
            for path in walk(s, problems):
                n += 1
                yield path, _shown(path, s)
            if n == 0:
                problems.append(Problem(s, "no files in this directory"))
        else:
            yield s, _shown(s, s) if os.path.isabs(s) else s


def ingest(sources: Iterable[str], problems: list[Problem] | None = None, *, outlet: str = "") -> list[Article]:
    """Read every source into raw Articles (id, source, raw text, metadata); bad inputs -> `problems`.

    Ids are unique within one call: a clash gets a `-2`, `-3` suffix. `outlet` names the outlet of every
    article that names none itself (record, page metadata, feed or URL come first).
    """
    problems = problems if problems is not None else []
    out: list[Article] = []
    seen: dict[str, int] = {}
    for src, shown in expand_sources(sources, problems):
        for art in ingest_one(src, problems, shown):
            if art.id in seen:
                seen[art.id] += 1
                art.id = f"{art.id}-{seen[art.id]}"
            seen.setdefault(art.id, 1)
            if outlet and not art.outlet:
                art.outlet = outlet
            out.append(art)
    return out


def _dangling(link: str) -> str:
    """Why a symlink leads nowhere: it points back to itself through other links, or at something missing."""
    try:
        os.stat(link)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symlink loop: not read"
    return "broken symlink"
