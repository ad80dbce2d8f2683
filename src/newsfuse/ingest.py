"""Ingest: turn sources (files, directories, stdin, http(s) URLs) into raw `Article`s.

Reads plain text, HTML (main text + metadata via trafilatura), JSON/JSONL in the news-please
shape, story bundles (JSONL lines with an `articles` list), and RSS/Atom feeds (feedparser).
`.gz` inputs are read transparently. A bad input never stops the batch: it becomes one
`Problem` line naming the input and what is wrong.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urlparse

from .model import Article

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


def _short_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def _decode(data: bytes, source: str) -> str:
    """Bytes to text: UTF-8 (with BOM) first, else detect the encoding; refuse binary data."""
    if not data.strip():
        raise IngestError("empty input")
    head = data[:8192]
    if b"\x00" in head and not (head.startswith(b"\xff\xfe") or head.startswith(b"\xfe\xff")):
        raise IngestError("binary data, not text (NUL bytes found)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise IngestError("binary data or unknown text encoding")
    text = str(best)
    # many control characters means it was binary after all
    ctrl = sum(1 for c in text[:4096] if ord(c) < 32 and c not in "\n\r\t\f")
    if ctrl > 0.05 * max(1, len(text[:4096])):
        raise IngestError("binary data, not text")
    return text


def _read_bytes(path: str) -> bytes:
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
            raise IngestError(f"too large ({size / 1e6:.1f} MB; limit {MAX_BYTES / 1e6:.0f} MB)")
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise IngestError(f"too large (over {MAX_BYTES / 1e6:.0f} MB)")
    return data


def _fetch_url(url: str, timeout: float = 15.0) -> tuple[bytes, str]:
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
                        raise IngestError(f"too large (over {MAX_BYTES / 1e6:.0f} MB)")
                    chunks.append(chunk)
                return b"".join(chunks), resp.headers.get("content-type", "")
    except httpx.TimeoutException:
        raise IngestError(f"no answer within {timeout:.0f} s") from None
    except httpx.HTTPError as exc:
        raise IngestError(f"could not fetch ({type(exc).__name__}: {exc})") from None


def _walk(path: str, problems: list[Problem]) -> Iterator[str]:
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


# --------------------------------------------------------------------------- format sniffing


def _looks_like_feed(text: str) -> bool:
    head = text.lstrip()[:2000].lower()
    return head.startswith("<?xml") and ("<rss" in head or "<feed" in head or "<rdf" in head) or head.startswith(
        ("<rss", "<feed", "<rdf:rdf")
    )


def _looks_like_html(text: str) -> bool:
    head = text.lstrip()[:4000].lower()
    return head.startswith(("<!doctype html", "<html")) or bool(re.search(r"<(html|body|head|div|p|article)\b", head))


def _looks_like_json(text: str) -> bool:
    return text.lstrip()[:1] in ("{", "[")


def _parse(text: str, source: str, default_id: str, kind_hint: str = "") -> list[Article]:
    """Dispatch on content (and extension hint) to the right reader."""
    lower = source.lower()
    if kind_hint == "json" or lower.endswith((".json", ".jsonl", ".json.gz", ".jsonl.gz")) or (
        _looks_like_json(text) and not kind_hint
    ):
        try:
            return _read_json(text, source, default_id)
        except IngestError:
            if lower.endswith((".json", ".jsonl", ".json.gz", ".jsonl.gz")):
                raise
    if _looks_like_feed(text) or lower.endswith((".rss", ".atom", ".xml", ".rss.gz", ".xml.gz")):
        return _read_feed(text, source, default_id)
    if _looks_like_html(text) or lower.endswith((".html", ".htm", ".html.gz", ".htm.gz")):
        return [_read_html(text, source, default_id)]
    return [_read_text(text, source, default_id)]


def _read_text(text: str, source: str, art_id: str) -> Article:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise IngestError("no text")
    return Article(id=art_id, source=source, raw=text, outlet=infer_outlet(text, art_id),
                   published=stated_published(text), content_hash=content_hash(text), meta={"format": "text"})


_PUBLISHED_LINE = re.compile(
    r"(?:^|[|·•]\s*)(?:first\s+)?(?:published|posted|updated)(?:\s+on)?\s*:?\s*(?P<when>[^|·•\n]{6,60}?)\s*$", re.I | re.M
)


def stated_published(text: str, head_lines: int = 6) -> str | None:
    """The publication date (and time) a plain-text page states in a "Published …" line near its top.

    Only a line that says so counts (with a year in it); the first such line wins. Returns ISO
    `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM` when a time is given.
    """
    head = "\n".join(text.lstrip().split("\n")[:head_lines])
    for m in _PUBLISHED_LINE.finditer(head):
        when = m.group("when").strip()
        if not re.search(r"\b(19|20)\d\d\b", when):
            continue
        import dateparser

        try:
            dt = dateparser.parse(when, languages=["en"], settings={"RETURN_AS_TIMEZONE_AWARE": False, "STRICT_PARSING": True})
        except Exception:  # dateparser raises assorted errors on junk
            dt = None
        if dt is None:
            continue
        has_time = bool(re.search(r"\b\d{1,2}[:.]\d{2}\b", when))
        return dt.strftime("%Y-%m-%dT%H:%M") if has_time else dt.date().isoformat()
    return None


_CREDIT_LINE = re.compile(r"^\s*(?:published by|source)\s*:?\s+(?P<name>.+?)\s*\.?\s*$", re.I)
_MASTHEAD_PARTS = re.compile(r"\s+[|·•]\s+|\s+[–—]\s+")
_NAME_WORD = re.compile(r"^(?:[A-Z][\w'’&.-]*|&|of|the|and|de|du|la|le|el|der|die|des|for|on)$")


def _slug_words(art_id: str) -> list[str]:
    """The words of a file name's slug ("01_continental-press-agency" -> continental, press, agency)."""
    slug = re.sub(r"^[\d_\-\s]+", "", art_id)
    return [w for w in re.findall(r"[a-z0-9]+", slug.lower()) if w != "the"]


def _name_words(name: str) -> list[str]:
    return [w for w in re.findall(r"\w+", name.lower().replace("&", " and ")) if w != "the"]


def _looks_like_name(name: str) -> bool:
    """A short proper name (2-60 chars, at most 6 words, capitalised, not a sentence)."""
    words = name.split()
    return (2 <= len(name) <= 60 and 1 <= len(words) <= 6 and words[0][:1].isupper()
            and not re.search(r"[.!?;:]\s*$|\d{3,}", name) and all(_NAME_WORD.match(w) for w in words))


def infer_outlet(text: str, art_id: str = "", head_lines: int = 6) -> str:
    """The outlet a plain-text file names itself, only with evidence in the text; "" when none.

    Evidence: a short masthead line (or a ' | '-separated part of one) among the first `head_lines`
    lines whose words equal the file name's slug, or a "Published by X" / "Source: X" line at the
    top or bottom of the text. Nothing is guessed from the slug alone.
    """
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    slug = _slug_words(art_id)
    if slug:
        for ln in lines[:head_lines]:
            for part in _MASTHEAD_PARTS.split(ln):
                part = part.strip()
                if _looks_like_name(part) and _name_words(part) == slug:
                    return part
    for ln in lines[:head_lines] + lines[-head_lines:]:
        m = _CREDIT_LINE.match(ln)
        name = re.sub(r"^the\s+", "", m.group("name")) if m else ""
        if name and _looks_like_name(name):
            return name
    return ""


def _html_to_text(html: str) -> tuple[str, dict]:
    """Main text and metadata of an HTML page, via trafilatura (scripts and furniture dropped)."""
    import trafilatura
    from trafilatura.settings import use_config

    cfg = use_config()
    cfg.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")  # signal-based timeouts break in threads
    text = trafilatura.extract(
        html, include_comments=False, include_tables=True, favor_precision=False, config=cfg, deduplicate=False
    )
    meta = trafilatura.extract_metadata(html)
    md = {}
    if meta is not None:
        for key in ("title", "author", "url", "sitename", "hostname", "date", "description"):
            val = getattr(meta, key, None)
            if val:
                md[key] = val
    return text or "", md


def _read_html(html: str, source: str, art_id: str) -> Article:
    text, md = _html_to_text(html)
    if len(re.findall(r"\w+", text)) < 3:
        raise IngestError("HTML page with no article text found")
    url = md.get("url") or (source if source.startswith(("http://", "https://")) else "")
    outlet = md.get("sitename") or md.get("hostname") or (urlparse(url).hostname or "" if url else "")
    art = Article(
        id=art_id,
        source=source,
        raw=text,
        title=md.get("title", ""),
        author=md.get("author", ""),
        url=url,
        outlet=_outlet_name(outlet),
        published=_meta_published(html, _iso_date(md.get("date"))),
        content_hash=content_hash(text),
        meta={"format": "html", "description": md.get("description", "")},
    )
    return art


_META_TIME = re.compile(
    r"<meta\s[^>]*(?:property|name|itemprop)\s*=\s*[\"'](?:article:published_time|datePublished|pubdate|date)[\"'][^>]*>",
    re.I,
)
_CONTENT = re.compile(r"content\s*=\s*[\"']([^\"']+)[\"']", re.I)


def _meta_published(html: str, date: str | None) -> str | None:
    """Keep the time of day from the page's published-time meta tag when it agrees with `date`."""
    for tag in _META_TIME.findall(html[:200_000]):
        m = _CONTENT.search(tag)
        t = re.match(r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})", m.group(1).strip()) if m else None
        if t and (date is None or date[:10] == t.group(1)):
            return f"{t.group(1)}T{t.group(2)}"
    return date


def _outlet_name(host_or_name: str) -> str:
    s = (host_or_name or "").strip()
    if s.startswith("www."):
        s = s[4:]
    return s


def _iso_date(value) -> str | None:
    """Normalise a date string to ISO (YYYY-MM-DD, or datetime when a time is given)."""
    if not value:
        return None
    s = str(value).strip()
    m = re.match(r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?))?", s)
    if m:
        return m.group(1) + ("T" + m.group(2) if m.group(2) else "")
    try:
        import dateparser

        dt = dateparser.parse(s, settings={"RETURN_AS_TIMEZONE_AWARE": False})
    except Exception:  # dateparser raises assorted errors on junk
        dt = None
    return dt.date().isoformat() if dt else None


def _record_to_article(rec: dict, source: str, default_id: str) -> Article:
    """A news-please style record (title, maintext/text, url, date_publish, source_domain)."""
    text = rec.get("maintext") or rec.get("text") or rec.get("content") or rec.get("body") or ""
    if not isinstance(text, str):
        raise IngestError(f"record {default_id!r}: text is not a string")
    title = rec.get("title") or ""
    rid = str(rec.get("id") or rec.get("_id") or default_id)
    outlet = rec.get("source_domain") or rec.get("outlet") or rec.get("source") or ""
    url = rec.get("url") or ""
    if not outlet and url:
        outlet = urlparse(url).hostname or ""
    text = text.replace("\r\n", "\n")
    if not text.strip() and not title.strip():
        raise IngestError(f"record {rid!r} has no text")
    return Article(
        id=rid,
        source=source,
        raw=text,
        title=title if isinstance(title, str) else "",
        outlet=_outlet_name(str(outlet)),
        url=str(url),
        author=", ".join(rec["authors"]) if isinstance(rec.get("authors"), list) else str(rec.get("author") or ""),
        published=_iso_date(rec.get("date_publish") or rec.get("published") or rec.get("date")),
        stance=rec.get("stance"),
        content_hash=content_hash(text),
        meta={"format": "json"},
    )


def _bundle_to_articles(rec: dict, source: str, default_id: str) -> list[Article]:
    """A story bundle: {"id", "title"?, "date"?, "articles": [{"source", "stance"?, "text", ...}]}."""
    sid = str(rec.get("id") or default_id)
    out = []
    for i, a in enumerate(rec.get("articles") or []):
        if not isinstance(a, dict):
            continue
        sub = dict(a)
        sub.setdefault("id", f"{sid}-{i + 1}")
        sub.setdefault("date", rec.get("date"))
        art = _record_to_article(sub, source, f"{sid}-{i + 1}")
        art.story = sid
        art.meta["bundle"] = {"id": sid, "title": rec.get("title") or ""}
        out.append(art)
    return out


def _read_json(text: str, source: str, default_id: str) -> list[Article]:
    records: list = []
    try:
        data = json.loads(text)
        records = data if isinstance(data, list) else [data]
    except json.JSONDecodeError:
        bad = 0
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                bad += 1
                records.append(IngestError(f"line {n}: not valid JSON"))
        if bad and bad == len(records):
            raise IngestError("not valid JSON or JSONL") from None
    out: list[Article] = []
    many = len(records) > 1
    for n, rec in enumerate(records, 1):
        rid = f"{default_id}-{n}" if many else default_id
        if isinstance(rec, IngestError):
            out.append(rec)  # type: ignore[arg-type]  # surfaced as a problem by the caller
            continue
        if not isinstance(rec, dict):
            out.append(IngestError(f"record {n}: not a JSON object"))  # type: ignore[arg-type]
            continue
        try:
            if isinstance(rec.get("articles"), list):
                out.extend(_bundle_to_articles(rec, source, rid))
            else:
                out.append(_record_to_article(rec, source, rid))
        except IngestError as exc:
            out.append(exc)  # type: ignore[arg-type]
    return out


_XML_BOMB = re.compile(r"<!DOCTYPE[^>]*\[|<!ENTITY", re.IGNORECASE)


def _read_feed(text: str, source: str, default_id: str) -> list[Article]:
    """RSS/Atom: one article per item, full content when present. DTDs/entities are refused."""
    if _XML_BOMB.search(text):
        raise IngestError("feed declares a DTD or XML entities (possible entity bomb / external entity): refused")
    import feedparser

    parsed = feedparser.parse(text, sanitize_html=True, resolve_relative_uris=False)
    if not parsed.entries:
        why = getattr(parsed, "bozo_exception", None)
        raise IngestError(f"not a readable RSS/Atom feed ({why or 'no items'})")
    feed_title = parsed.feed.get("title", "") if hasattr(parsed, "feed") else ""
    out: list[Article] = []
    for n, e in enumerate(parsed.entries, 1):
        body = ""
        if e.get("content"):
            body = max((c.get("value", "") for c in e["content"]), key=len)
        body = body or e.get("summary", "") or ""
        if "<" in body:
            body, _ = _html_to_text(f"<html><body><article>{body}</article></body></html>") if body else ("", {})
        link = e.get("link", "")
        eid = e.get("id") or link or f"{default_id}-{n}"
        art_id = f"{default_id}-{_short_hash(eid)}"
        if not body.strip():
            out.append(IngestError(f"item {n} ({e.get('title', '')[:60]!r}) has no text"))  # type: ignore[arg-type]
            continue
        published = None
        for key in ("published_parsed", "updated_parsed"):
            if e.get(key):
                t = e[key]
                published = f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}"
                break
        out.append(
            Article(
                id=art_id,
                source=source,
                raw=body,
                title=e.get("title", ""),
                url=link,
                outlet=_outlet_name(feed_title or (urlparse(link).hostname or "")),
                author=e.get("author", ""),
                published=published,
                content_hash=content_hash(body),
                meta={"format": "feed"},
            )
        )
    return out


# --------------------------------------------------------------------------- public


def _from_bytes(data: bytes, source: str, default_id: str, problems: list[Problem], hint: str = "") -> list[Article]:
    text = _decode(data, source)
    arts = _parse(text, source, default_id, hint)
    good = []
    for a in arts:
        if isinstance(a, IngestError):
            problems.append(Problem(source, str(a)))
        else:
            good.append(a)
    return good


def ingest_one(source: str, problems: list[Problem]) -> list[Article]:
    """Read one source (a file, a URL or "-" for stdin); problems are appended, never raised."""
    try:
        if source == "-":
            data = sys.stdin.buffer.read(MAX_BYTES + 1)
            if len(data) > MAX_BYTES:
                raise IngestError("stdin too large")
            return _from_bytes(data, "<stdin>", "stdin-" + _short_hash(data.decode("utf-8", "replace")), problems)
        if source.startswith(("http://", "https://")):
            data, ctype = _fetch_url(source)
            hint = "json" if "json" in ctype else ""
            arts = _from_bytes(data, source, "url-" + _short_hash(source), problems, hint)
            for a in arts:
                a.url = a.url or source
                if not a.outlet:
                    a.outlet = _outlet_name(urlparse(source).hostname or "")
            return arts
        if not os.path.exists(source):
            raise IngestError("no such file or directory" if not os.path.islink(source) else "broken symlink")
        return _from_bytes(_read_bytes(source), source, article_id_for_path(source), problems)
    except IngestError as exc:
        problems.append(Problem(source, str(exc)))
    except (OSError, ValueError, RecursionError) as exc:
        problems.append(Problem(source, f"cannot read ({type(exc).__name__}: {exc})"))
    return []


def expand_sources(sources: Iterable[str], problems: list[Problem]) -> Iterator[str]:
    """Sources with directories expanded (recursively, loop-safe)."""
    for s in sources:
        if s != "-" and not s.startswith(("http://", "https://")) and os.path.isdir(s):
            yield from _walk(s, problems)
        else:
            yield s


def ingest(sources: Iterable[str], problems: list[Problem] | None = None) -> list[Article]:
    """Read every source into raw Articles (id, source, raw text, metadata); bad inputs -> `problems`.

    Ids are unique within one call: a clash gets a `-2`, `-3` suffix.
    """
    problems = problems if problems is not None else []
    out: list[Article] = []
    seen: dict[str, int] = {}
    for src in expand_sources(sources, problems):
        for art in ingest_one(src, problems):
            if art.id in seen:
                seen[art.id] += 1
                art.id = f"{art.id}-{seen[art.id]}"
            seen.setdefault(art.id, 1)
            out.append(art)
    return out
