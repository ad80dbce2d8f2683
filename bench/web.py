"""Web reader speed: requests/s and p50/p95 latency of the list, search, story and article pages at N
concurrent clients, against `newsfuse serve` (a real uvicorn process) over a store holding the whole
news_cluster set (../shared/data/clustering-newscluster, 383 articles, 69 events).

    python bench/web.py                      # builds out/bench-web/news_cluster.db with `newsfuse ingest` if missing
    python bench/web.py --no-cache           # the same with the response cache off (NEWSFUSE_WEB_CACHE=0)
    python bench/web.py --write              # also writes bench/results/web.md (both runs, cache on and off)

Each page kind gets `--requests` requests spread over its URLs (every story, every article, the first list
pages, searches for entity names the store holds), sent by `--clients` concurrent keep-alive clients
(threads on http.client keep-alive connections) after one warm-up pass. The client shares the box with the server: figures are for the
pair. Goal: story page p95 < 150 ms at 20 clients (the results name the machine's core count).
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import random
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("NEWSFUSE_SHARED", ROOT.parent / "shared")) / "data" / "clustering-newscluster" / "news_cluster_docs.jsonl"
DB = ROOT / "out" / "bench-web" / "news_cluster.db"
RESULTS = ROOT / "bench" / "results" / "web.md"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build(db: Path) -> None:
    """Fill the store the way users do: `newsfuse ingest` on the news_cluster JSONL."""
    if not DATA.exists():
        sys.exit(f"no news_cluster data at {DATA} (it lives in ../shared, outside the repo)")
    db.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "newsfuse", "ingest", str(DATA), "--db", f"sqlite:///{db}"], check=False)


def urls(db: Path) -> dict[str, list[str]]:
    """The URLs of each page kind, from the store."""
    sys.path.insert(0, str(ROOT / "src"))
    from newsfuse.store import open_store

    st = open_store(f"sqlite:///{db}")
    try:
        stories, total = st.search_stories(limit=1000)
        arts = [a.id for a in st.articles()]
        names = []
        for s in stories:
            doc = st.brief(s.id) or {}
            for e in (doc.get("stories") or [{}])[0].get("entities", [])[:3]:
                names.append(e["name"])
    finally:
        st.close()
    pages = max(1, (total + 19) // 20)
    rnd = random.Random(7)
    rnd.shuffle(names)
    return {
        "list": ["/"] + [f"/?page={p}" for p in range(2, min(pages, 4) + 1)],
        "search": ["/?" + urlencode({"q": n}) for n in dict.fromkeys(names)][:40] or ["/?q=police"],
        "story": [f"/stories/{s.id}" for s in stories],
        "article": [f"/articles/{a}" for a in arts],
    }


def _run(base: str, paths: list[str], n: int, clients: int) -> tuple[list[float], float, int, int]:
    """`n` GETs spread over `paths`, sent by `clients` threads each on its own keep-alive connection
    (http.client: a light client, so the measurement is mostly the server's)."""
    host, port = base.split("//")[1].split(":")
    todo = [paths[i % len(paths)] for i in range(n)]
    lat: list[float] = []
    stats = {"errors": 0, "size": 0}
    lock = threading.Lock()
    nxt = iter(todo)

    def worker() -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=60)
        mine = []
        while True:
            with lock:
                p = next(nxt, None)
            if p is None:
                break
            t = time.perf_counter()
            conn.request("GET", p)
            r = conn.getresponse()
            body = r.read()
            mine.append(time.perf_counter() - t)
            with lock:
                stats["size"] = max(stats["size"], len(body))
                stats["errors"] += r.status != 200 or not body.rstrip().endswith(b"</html>")  # a whole page
        conn.close()
        with lock:
            lat.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return lat, time.perf_counter() - t0, stats["errors"], stats["size"]


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))] * 1000


def measure(db: Path, clients: int, requests: int, cache: bool) -> list[dict]:
    port = _port()
    env = {**os.environ, "NEWSFUSE_WEB_CACHE": "1" if cache else "0", "PYTHONPATH": str(ROOT / "src")}
    env.pop("NEWSFUSE_TOKEN", None)
    server = subprocess.Popen([sys.executable, "-m", "newsfuse", "serve", "--db", f"sqlite:///{db}", "--port", str(port)],
                              env=env, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(base + "/api/v1/stories?limit=1", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        kinds = urls(db)
        rows = []
        for kind, paths in kinds.items():
            _run(base, paths, len(paths), min(clients, len(paths)))  # warm-up: every URL once
            lat, wall, errors, size = _run(base, paths, requests, clients)
            rows.append({"page": kind, "urls": len(paths), "requests": requests, "rps": requests / wall,
                         "p50": _pct(lat, 0.5), "p95": _pct(lat, 0.95), "errors": errors, "largest": size})
            print(f"{kind:8s} {rows[-1]['rps']:7.1f} req/s  p50 {rows[-1]['p50']:7.1f} ms  p95 {rows[-1]['p95']:7.1f} ms  "
                  f"errors {errors}  largest {size / 1024:.0f} KiB", flush=True)
        return rows
    finally:
        server.terminate()
        server.wait(10)


def _table(rows: list[dict]) -> str:
    out = ["| page | URLs | requests | req/s | p50 ms | p95 ms | errors | largest page |", "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        out.append(f"| {r['page']} | {r['urls']} | {r['requests']} | {r['rps']:.1f} | {r['p50']:.1f} | {r['p95']:.1f} | "
                   f"{r['errors']} | {r['largest'] / 1024:.0f} KiB |")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path, default=DB)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--requests", type=int, default=400, help="requests per page kind")
    ap.add_argument("--no-cache", action="store_true", help="response cache off")
    ap.add_argument("--write", action="store_true", help="run with the cache on and off and write bench/results/web.md")
    args = ap.parse_args()
    if not args.db.exists():
        build(args.db)
    runs = [True, False] if args.write else [not args.no_cache]
    parts = []
    for cache in runs:
        load0 = os.getloadavg()
        print(f"cache {'on' if cache else 'off'}: {args.clients} clients, {args.requests} requests per page kind", flush=True)
        rows = measure(args.db, args.clients, args.requests, cache)
        load1 = os.getloadavg()
        parts.append((cache, rows, load0, load1))
    if args.write:
        lines = ["# Web reader speed", "",
                 f"`python bench/web.py --write --clients {args.clients} --requests {args.requests}` — `newsfuse serve` "
                 "(one uvicorn process) over a SQLite store holding the whole news_cluster set (`newsfuse ingest` of "
                 "../shared/data/clustering-newscluster/news_cluster_docs.jsonl), driven by "
                 f"{args.clients} concurrent keep-alive clients (threads on http.client connections) on the same box "
                 f"({os.cpu_count()} cores, {platform.machine()}) "
                 "(the clients' own CPU counts against the server). "
                 "Each page kind: one warm-up pass over its URLs, then the requests spread over them. Goal: story page p95 < 150 ms.", ""]
        for cache, rows, load0, load1 in parts:
            lines += [f"## Response cache {'on (default)' if cache else 'off (NEWSFUSE_WEB_CACHE=0)'}", "",
                      f"Load average (1 min) before {load0[0]:.2f}, after {load1[0]:.2f} (other jobs share the box).", "",
                      _table(rows), ""]
        lines += ["The cache keeps rendered GET responses until the store changes (an article or brief written by the API or "
                  "another process; checked at most once a second) and is cleared at once by an API ingest. Without it every "
                  "story page renders its brief (facts, quotes, matrix, entities) from the stored JSON.", ""]
        RESULTS.write_text("\n".join(lines), encoding="utf-8")
        print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
