"""The JSON API under /api/v1 (documented at /api/v1/docs, OpenAPI at /api/v1/openapi.json).

Reads the store; adds the routes: story list and search (`items`, `total`), a story's brief-v1 document,
an article, an entity's stories, and `POST /api/v1/articles`, which takes JSON records (the JSONL input's
fields) or a text/HTML upload, ingests them like `newsfuse ingest` and refreshes the affected briefs. Ingest
needs `Authorization: Bearer $NEWSFUSE_TOKEN` (without a configured token the server is read-only: 401);
bodies over `MAX_UPLOAD` bytes get 413, other media types 415, unreadable JSON 400 and records without
text 422, each with a one-line JSON `error`. A merged story's id answers 301 to the surviving story.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import threading
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ..store import Store
from .cache import ResponseCache

MAX_UPLOAD = int(os.environ.get("NEWSFUSE_MAX_UPLOAD", str(8 * 1024 * 1024)))  # bytes per POST body
MAX_RECORDS = 500
FIELDS = ("id", "title", "text", "url", "outlet", "published")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?)?)?$")

INGEST_BODY = {
    "required": True,
    "content": {
        "application/json": {"schema": {"oneOf": [
            {"$ref": "#/components/schemas/ArticleRecord"},
            {"type": "array", "items": {"$ref": "#/components/schemas/ArticleRecord"}, "maxItems": MAX_RECORDS},
        ]}},
        "text/plain": {"schema": {"type": "string"}},
        "text/html": {"schema": {"type": "string"}},
    },
}
RECORD_SCHEMA = {
    "type": "object", "required": ["text"],
    "description": "The fields of one JSONL input line.",
    "properties": {
        "id": {"type": "string", "description": "your id for the article (default: a hash of its text)"},
        "title": {"type": "string"}, "text": {"type": "string", "minLength": 1, "description": "the article's text"},
        "url": {"type": "string"}, "outlet": {"type": "string", "description": "the outlet's name or domain"},
        "published": {"type": "string", "description": "ISO 8601 date or datetime"},
    },
}


class ApiError(HTTPException):
    """A 4xx answer with a one-line message."""


def _check_token(request: Request, token: str | None) -> None:
    if not token:
        raise ApiError(401, "this server is read-only: start it with NEWSFUSE_TOKEN set to allow ingest")
    got = request.headers.get("authorization", "")
    scheme, _, value = got.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(value.strip().encode(), token.encode()):
        raise ApiError(401, "missing or wrong bearer token (Authorization: Bearer <token>)",
                       headers={"WWW-Authenticate": "Bearer"})


async def _body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_UPLOAD:
        raise ApiError(413, f"body of {int(declared)} bytes is over the limit of {MAX_UPLOAD}")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_UPLOAD:
            raise ApiError(413, f"body is over the limit of {MAX_UPLOAD} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def records_from_json(body: bytes) -> list[dict[str, Any]]:
    """The JSON body as input records, checked: 400 when it is not JSON, 422 when a record is unusable."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ApiError(400, f"body is not valid UTF-8 JSON ({type(exc).__name__}: {str(exc)[:120]})") from None
    records = data if isinstance(data, list) else [data]
    if not records:
        raise ApiError(422, "no records: send one JSON object or a list of them")
    if len(records) > MAX_RECORDS:
        raise ApiError(413, f"{len(records)} records: at most {MAX_RECORDS} per request")
    out = []
    for n, rec in enumerate(records, 1):
        where = f"record {n}" + (f" ({rec.get('id')!r})" if isinstance(rec, dict) and rec.get("id") else "")
        if not isinstance(rec, dict):
            raise ApiError(422, f"{where}: not a JSON object")
        text = rec.get("text", rec.get("maintext"))
        if not isinstance(text, str) or not text.strip():
            raise ApiError(422, f"{where}: 'text' must be a non-empty string")
        for f in ("id", "title", "url", "outlet", "published"):
            if rec.get(f) is not None and not isinstance(rec.get(f), str):
                raise ApiError(422, f"{where}: {f!r} must be a string")
        if rec.get("published") and not _DATE.match(rec["published"].strip()):
            raise ApiError(422, f"{where}: 'published' must be an ISO 8601 date, not {rec['published'][:40]!r}")
        out.append(rec)
    return out


def install(app: FastAPI, store: Store, cache: ResponseCache, token: str | None) -> None:
    """Add the /api/v1 routes to `app`."""
    from ..ingest import from_bytes
    from ..store import update

    app.openapi_schema = None
    lock = threading.Lock()  # one ingest at a time in this process (the store serialises across processes)

    def not_found(what: str) -> JSONResponse:
        return JSONResponse({"error": f"no such {what}", "status": 404}, status_code=404)

    @app.get("/api/v1/stories", tags=["stories"], summary="List and search stories")
    def list_stories(
        q: str | None = Query(None, description="full-text search over titles, summaries and entity names", max_length=500),
        outlet: str | None = Query(None, description="only stories with an article from this outlet"),
        entity: str | None = Query(None, description="only stories naming this entity (id or name)"),
        since: str | None = Query(None, description="latest publication on or after this ISO date", pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$"),
        until: str | None = Query(None, description="first publication on or before this ISO date", pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$"),
        has_conflicts: bool | None = Query(None, description="only stories with (true) or without (false) conflicts"),
        limit: int = Query(20, ge=1, le=100), offset: int = Query(0, ge=0),
    ) -> dict[str, Any]:
        """Stories newest news first (best match first with `q`): `items` of this page and the `total` matching."""
        rows, total = store.search_stories(q, outlet=outlet, entity=entity, since=since, until=until,
                                           has_conflicts=has_conflicts, limit=limit, offset=offset)
        return {"items": [r.to_json() for r in rows], "total": total, "limit": limit, "offset": offset}

    @app.get("/api/v1/stories/{story_id}", tags=["stories"], summary="A story's brief (brief-v1 JSON)",
             responses={301: {"description": "the story was merged into another"}, 404: {"description": "no such story"}})
    def get_story(story_id: str) -> Response:
        """The story's brief as the CLI's `newsfuse show --format json` prints it (schema `newsfuse/brief-v1`)."""
        doc = store.brief(story_id)
        if doc is None:
            target = update.moved_to(store, story_id)
            if target:
                return RedirectResponse("/api/v1/stories/" + quote(target, safe=""), status_code=301)
            return not_found("story")
        return JSONResponse(doc)

    @app.get("/api/v1/articles/{article_id}", tags=["articles"], summary="One stored article",
             responses={404: {"description": "no such article"}})
    def get_article(article_id: str) -> Response:
        """The article's metadata, raw text, clean text and removed furniture (offsets into `raw`)."""
        a = store.article(article_id)
        if a is None:
            return not_found("article")
        return JSONResponse({
            "id": a.id, "source": a.source, "outlet": a.outlet, "title": a.title, "url": a.url, "author": a.author,
            "published": a.published, "published_inferred": a.published_inferred, "story": a.story,
            "duplicate_of": a.duplicate_of, "raw": a.raw, "text": a.text,
            "removed": [{"text": s.text, "reason": s.reason, "start": s.start, "end": s.end} for s in a.removed],
        })

    @app.get("/api/v1/entities/{entity_id}", tags=["entities"], summary="Stories naming an entity",
             responses={404: {"description": "no story names this entity"}})
    def get_entity(entity_id: str, limit: int = Query(20, ge=1, le=100), offset: int = Query(0, ge=0)) -> Response:
        """The entity's name and the stories naming it, newest news first."""
        name = store.entity_label(entity_id)
        if name is None:
            return not_found("entity")
        rows, total = store.search_stories(entity=entity_id, limit=limit, offset=offset)
        return JSONResponse({"id": entity_id, "name": name, "items": [r.to_json() for r in rows], "total": total,
                             "limit": limit, "offset": offset})

    @app.post(
        "/api/v1/articles", tags=["articles"], status_code=201, summary="Add articles (bearer token)",
        openapi_extra={"requestBody": INGEST_BODY, "parameters": [
            {"name": n, "in": "query", "required": False, "schema": {"type": "string"},
             "description": f"for a text/HTML upload: the article's {n}"} for n in FIELDS if n != "text"
        ]},
        responses={401: {"description": "no or wrong token"}, 400: {"description": "unreadable JSON"},
                   413: {"description": "body too large"}, 415: {"description": "unsupported media type"},
                   422: {"description": "a record is unusable"}},
    )
    async def post_articles(request: Request) -> Response:
        """Ingest articles like `newsfuse ingest`: store, dedupe, cluster and refresh the affected briefs.

        Send one JSON record or a list (fields `id`, `title`, `text`, `url`, `outlet`, `published`), or the
        article itself as text/plain or text/html with its fields as query parameters."""
        _check_token(request, token)
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype not in ("application/json", "text/plain", "text/html"):
            raise ApiError(415, f"unsupported media type {ctype or '(none)'!r}: send application/json, text/plain or text/html")
        body = await _body(request)
        problems: list[Any] = []
        if ctype == "application/json":
            records = records_from_json(body)
            payload = json.dumps(records, ensure_ascii=False).encode()
            articles = from_bytes(payload, "api", "api-" + hashlib.sha256(payload).hexdigest()[:12], problems, "json")
        else:
            if not body.strip():
                raise ApiError(422, "empty body: send the article's text")
            meta = {k: request.query_params.get(k) for k in FIELDS if k != "text" and request.query_params.get(k)}
            if meta.get("published") and not _DATE.match(meta["published"]):
                raise ApiError(422, f"'published' must be an ISO 8601 date, not {meta['published'][:40]!r}")
            default = meta.get("id") or "api-" + hashlib.sha256(body).hexdigest()[:12]
            articles = from_bytes(body, "api", default, problems, "html" if ctype == "text/html" else "text")
            for a in articles:
                a.id = meta.get("id") or a.id
                a.title = meta.get("title") or a.title
                a.url = meta.get("url") or a.url
                a.outlet = meta.get("outlet") or a.outlet
                a.published = meta.get("published") or a.published
        if not articles:
            raise ApiError(422, "; ".join(f"{p.source}: {p.message}" for p in problems) or "no article in the body")

        def run() -> Any:
            with lock:
                return update.ingest_articles(store, articles)

        report = await run_in_threadpool(run)
        cache.clear()
        placed = report.placed  # the story of each stored article, as the ingest's own account read it
        return JSONResponse({
            "added": report.added, "unchanged": report.unchanged,
            "versions": [{"id": a, "stored_as": b} for a, b in report.versions],
            "stories": placed, "stories_updated": report.stories_updated,
            "problems": [f"{p.source}: {p.message}" for p in [*problems, *report.problems]],
        }, status_code=201)

    base_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = base_openapi()
            spec.setdefault("components", {}).setdefault("schemas", {})["ArticleRecord"] = RECORD_SCHEMA
            spec["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
            spec["paths"]["/api/v1/articles"]["post"]["security"] = [{"bearer": []}]
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
