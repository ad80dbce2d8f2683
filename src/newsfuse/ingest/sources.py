"""Ingest sources: files, directories, URLs and stdin read into bytes and decoded; ids, hashes, problems."""

from __future__ import annotations

import codecs

import gzip
import hashlib
import io
import os
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from .decoding import decode_text


MAX_BYTES = 20 * 1024 * 1024  # larger inputs are refused: no real article page is this big
_STRIP_SUFFIXES = (".gz", ".txt", ".html", ".htm", ".json", ".jsonl", ".xml", ".rss", ".atom")


@dataclass
class Problem:
    """One input that could not be (fully) read, and why, in words a user can act on."""

    source: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.message}"


class IngestError(Exception):
    """Raised inside ingest for one input; turned into a `Problem`."""


def article_id_for_path(path: str) -> str:
    """A file's id: its name without the .txt/.html/.htm/.json/.jsonl/.gz endings."""
    name = os.path.basename(path)
    changed = True
    while changed:
        changed = False
        for suf in _STRIP_SUFFIXES:
            if name.lower().endswith(suf) and len(name) > len(suf):
                name = name[: -len(suf)]
                changed = True
    return name


def content_hash(text: str) -> str:
    """Stable hash of normalised text (whitespace-folded), used for ids and re-ingest no-ops."""
    norm = " ".join(text.split())
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


def short_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


# magic numbers of common binary formats, so a refusal can say what the input is
_MAGIC = (
    (b"\x89PNG", "a PNG image"), (b"GIF8", "a GIF image"), (b"\xff\xd8\xff", "a JPEG image"), (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (docx/xlsx/epub?)"), (b"\x7fELF", "an executable"), (b"RIFF", "a media file"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"), (b"BZh", "a bzip2 archive"), (b"\xfd7zXZ", "an xz archive"),
)
# C0 controls other than tab, newline, vertical tab, form feed and carriage return, plus DEL and the C1 block
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_BINARY_SHARE = 0.02  # more control bytes than this in the head: binary data, not text with stray NULs


def _control_share(data: bytes) -> float:
    head = data[:65536]
    return sum(1 for b in head if b < 32 and b not in b"\t\n\v\f\r") / max(1, len(head))


def decode(data: bytes, source: str, header: str = "") -> tuple[str, str]:
    """Bytes to (text, decoding note): refuse binary data, then `decoding.decode_text` (BOM, declared charset,
    UTF-8 with replacements counted, windows-1252 for Latin bytes, a guess only when UTF-8 fails broadly).

    Text with a few stray control bytes (NULs from a bad export) is text: the caller strips them.
    """
    if not data.strip():
        raise IngestError("empty input")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise IngestError(f"binary data ({what}), not text")
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_text(data, header)  # UTF-16/32 are full of NULs: their mark, not a byte count, decides
    share = _control_share(data)
    if share > _BINARY_SHARE:
        raise IngestError(f"binary data, not text ({share:.0%} of its first bytes are control bytes)")
    text, note = decode_text(data, header)
    ctrl = len(_CONTROL.findall(text[:4096]))
    if note and ctrl > _BINARY_SHARE * max(1, len(text[:4096])):
        raise IngestError("binary data, not text")
    return text, note


def strip_controls(text: str) -> tuple[str, str]:
    """`text` without control characters (NUL and the like), and a note saying what went ("" if none)."""
    found = _CONTROL.findall(text)
    if not found:
        return text, ""
    counts = Counter(found)
    parts = [f"{n} x U+{ord(c):04X}" + (" (NUL)" if c == "\x00" else "") for c, n in counts.most_common()]
    return _CONTROL.sub("", text), "control characters removed: " + ", ".join(parts)


def _mb(n: float) -> str:
    return f"{n / 2**20:.1f} MB"


def gunzip_bytes(data: bytes) -> bytes:
    """`data` unzipped when it is gzip (streamed: a gzip bomb stops at the limit), else as it is."""
    if not data.startswith(b"\x1f\x8b"):
        return data
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as gz:
            out = gz.read(MAX_BYTES + 1)
    except (OSError, EOFError) as exc:
        raise IngestError(f"broken gzip data ({exc})") from None
    if len(out) > MAX_BYTES:
        raise IngestError(f"too large once unzipped (over {MAX_BYTES // 2**20} MB)")
    return out


def read_bytes(path: str) -> bytes:
    """A file's bytes, gunzipped when compressed; refuses more than MAX_BYTES (also after unzipping)."""
    size = os.path.getsize(path)
    with open(path, "rb") as fh:
        magic = fh.read(2)
    if magic == b"\x1f\x8b":
        try:
            with gzip.open(path, "rb") as gz:  # streamed: a gzip bomb stops at the limit
                data = gz.read(MAX_BYTES + 1)
        except (OSError, EOFError) as exc:
            raise IngestError(f"broken gzip file ({exc})") from None
    else:
        if size > MAX_BYTES:
            raise IngestError(f"too large ({_mb(size)}; limit {MAX_BYTES // 2**20} MB)")
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise IngestError(f"too large (over {MAX_BYTES // 2**20} MB)")
    return data


def fetch_url(url: str, timeout: float = 15.0) -> tuple[bytes, str]:
    import httpx

    try:
        with httpx.Client(follow_redirects=True, timeout=timeout, headers={"User-Agent": "newsfuse/0.1"}) as client:
            with client.stream("GET", url) as resp:
                if resp.status_code >= 400:
                    raise IngestError(f"HTTP {resp.status_code}")
                chunks, total = [], 0
                for chunk in resp.iter_bytes():
                    total += len(chunk)
                    if total > MAX_BYTES:
                        raise IngestError(f"too large (over {MAX_BYTES // 2**20} MB)")
                    chunks.append(chunk)
                return b"".join(chunks), resp.headers.get("content-type", "")
    except httpx.TimeoutException:
        raise IngestError(f"no answer within {timeout:.0f} s") from None
    except httpx.HTTPError as exc:
        raise IngestError(f"could not fetch ({type(exc).__name__}: {exc})") from None


def walk(path: str, problems: list[Problem]) -> Iterator[str]:
    """Files under a directory, recursively, sorted, following links but never in a loop."""
    seen: set[tuple[int, int]] = set()

    def rec(d: str) -> Iterator[str]:
        try:
            st = os.stat(d)
        except OSError as exc:
            problems.append(Problem(d, f"cannot read directory ({exc.strerror})"))
            return
        key = (st.st_dev, st.st_ino)
        if key in seen:
            problems.append(Problem(d, "symlink loop: directory already visited, skipped"))
            return
        seen.add(key)
        try:
            entries = sorted(os.scandir(d), key=lambda e: e.name)
        except OSError as exc:
            problems.append(Problem(d, f"cannot read directory ({exc.strerror})"))
            return
        for e in entries:
            if e.name.startswith("."):
                continue
            try:
                if e.is_dir():
                    yield from rec(e.path)
                elif e.is_file():
                    yield e.path
                else:
                    problems.append(Problem(e.path, "not a regular file (broken link?), skipped"))
            except OSError as exc:
                problems.append(Problem(e.path, f"cannot read ({exc.strerror})"))

    yield from rec(path)
