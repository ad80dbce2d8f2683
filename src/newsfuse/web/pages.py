"""The reader's pages: story list (search, filters, pages), story, article (paged, with its marks), entity,
the API's documentation, and the app's own stylesheet and script.

Reads the store through `Store.search_stories`, `brief`, `article` and `update.moved_to` (a merged
story's old URL answers 301 to the story that holds its articles); adds HTML routes to the app.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import FastAPI, Query, Request
from fastapi.responses import FileResponse, PlainTextResponse, RedirectResponse, Response

from ..store import Store
from .markup import mark, pages
from .view import article_spans, story_view

PER_PAGE = 20
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _date(value: str | None) -> str | None:
    value = (value or "").strip()
    return value if _DATE.match(value) else None


def install(app: FastAPI, store: Store, page: Callable[..., Response], error: Callable[..., Response]) -> None:
    """Add the reader's routes to `app`."""
    from . import STATIC

    def moved(story_id: str, prefix: str) -> Response | None:
        from ..store.update import moved_to

        target = moved_to(store, story_id)
        return RedirectResponse(prefix + quote(target, safe=""), status_code=301) if target else None

    @app.get("/", include_in_schema=False)
    def index(
        request: Request, q: str = "", outlet: str = "", entity: str = "", since: str = "", until: str = "",
        has_conflicts: str = "", page_no: int = Query(1, alias="page", ge=1, le=10_000),
    ) -> Response:
        conflicts = {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False, "no": False}.get(
            has_conflicts.lower())
        rows, total = store.search_stories(
            q or None, outlet=outlet or None, entity=entity or None, since=_date(since), until=_date(until),
            has_conflicts=conflicts, limit=PER_PAGE, offset=(page_no - 1) * PER_PAGE,
        )
        params = {k: v for k, v in {"q": q, "outlet": outlet, "entity": entity, "since": since, "until": until,
                                    "has_conflicts": has_conflicts}.items() if v}
        last = max(1, math.ceil(total / PER_PAGE))

        def link(n: int) -> str:
            return "/?" + urlencode({**params, "page": n})

        entity_name = store.entity_label(entity) if entity else None
        return page(
            "index.html", stories=rows, total=total, params=params, page_no=page_no, last=last,
            prev=link(page_no - 1) if page_no > 1 else None, next=link(page_no + 1) if page_no < last else None,
            outlets=store.outlet_names(), entity_name=entity_name or entity, filtered=bool(params),
        )

    @app.get("/stories/{story_id}", include_in_schema=False)
    def story(story_id: str) -> Response:
        doc = store.brief(story_id)
        if doc is None:
            return moved(story_id, "/stories/") or error_page(f"no such story: {story_id}")
        return page("story.html", story_id=story_id, v=story_view(store, story_id, doc))

    def error_page(message: str) -> Response:
        return page("error.html", 404, status="Not found", message=message + ".")

    @app.get("/articles/{article_id}", include_in_schema=False)
    def article(article_id: str, page_no: int = Query(1, alias="page", ge=1)) -> Response:
        art = store.article(article_id)
        if art is None:
            return error_page(f"no such article: {article_id}")
        bounds = pages(art.raw)
        if page_no > len(bounds):
            return error_page(f"article {article_id} has {len(bounds)} page(s)")
        lo, hi = bounds[page_no - 1]
        doc = store.brief(art.story) if art.story else None
        body = mark(art.raw, article_spans(art, doc), lo, hi)
        unplaced = [s for s in art.removed if not (0 <= s.start < s.end <= len(art.raw))]
        base = f"/articles/{quote(article_id, safe='')}"
        return page(
            "article.html", article=art, body=body, unplaced=unplaced, page_no=page_no, n_pages=len(bounds),
            prev=f"{base}?page={page_no - 1}" if page_no > 1 else None,
            next=f"{base}?page={page_no + 1}" if page_no < len(bounds) else None,
            download=f"{base}/text", url_ok=art.url.startswith(("http://", "https://")),
        )

    @app.get("/articles/{article_id}/text", include_in_schema=False)
    def article_text(article_id: str) -> Response:
        art = store.article(article_id)
        if art is None:
            return error_page(f"no such article: {article_id}")
        name = re.sub(r"[^A-Za-z0-9._-]+", "_", article_id)[:80] or "article"
        return PlainTextResponse(art.raw, headers={"Content-Disposition": f'attachment; filename="{name}.txt"'})

    @app.get("/entities/{entity_id}", include_in_schema=False)
    def entity(entity_id: str, page_no: int = Query(1, alias="page", ge=1, le=10_000)) -> Response:
        name = store.entity_label(entity_id)
        if name is None:
            return error_page(f"no story names entity {entity_id}")
        rows, total = store.search_stories(entity=entity_id, limit=PER_PAGE, offset=(page_no - 1) * PER_PAGE)
        last = max(1, math.ceil(total / PER_PAGE))
        base = f"/entities/{quote(entity_id, safe='')}?page="
        return page("entity.html", entity_id=entity_id, name=name, stories=rows, total=total, page_no=page_no,
                    last=last, prev=base + str(page_no - 1) if page_no > 1 else None,
                    next=base + str(page_no + 1) if page_no < last else None)

    @app.get("/api/v1/docs", include_in_schema=False)
    def api_docs() -> Response:
        spec: dict[str, Any] = app.openapi()
        ops = []
        for path, methods in spec.get("paths", {}).items():
            for method, op in methods.items():
                params = [{"name": p["name"], "in": p["in"], "required": p.get("required", False),
                           "type": (p.get("schema") or {}).get("type") or _any_of(p.get("schema") or {}),
                           "description": p.get("description", "")} for p in op.get("parameters", [])]
                ops.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                            "description": op.get("description", ""), "params": params,
                            "body": list((op.get("requestBody") or {}).get("content", {}).keys()),
                            "responses": {k: v.get("description", "") for k, v in op.get("responses", {}).items()}})
        return page("apidocs.html", spec=spec, ops=ops)

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        if name not in ("app.css", "app.js"):
            return error_page("no such file")
        media = "text/css" if name.endswith(".css") else "text/javascript"
        return FileResponse(STATIC / name, media_type=media, headers={"Cache-Control": "public, max-age=3600"})


def _any_of(schema: dict[str, Any]) -> str:
    kinds = [s.get("type") for s in schema.get("anyOf", []) if s.get("type") and s.get("type") != "null"]
    return kinds[0] if kinds else ""
