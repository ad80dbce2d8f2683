"""Per-article speed: articles/s on one core for `pipeline.analyze`, spaCy alone vs the whole stage.

Articles are ~500-word texts built at run time from ../shared/data/summaries-multinews/dev.jsonl
(never copied into the repo): each source article is cut at a sentence end near 500 words, shorter
ones are skipped. spaCy alone and the whole stage run on different articles, each unseen by the
process. The whole stage (sentences, entities, quotes, claims, dates on top of spaCy) is timed end to
end, then each stage alone on pre-parsed Docs, so a slow stage shows up by name.

Usage: python bench/speed.py [--n 200] [--out bench/results/speed.md] [--profile]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NEWSFUSE_THREADS"):
    os.environ.setdefault(_var, "1")  # one core, before numpy is imported

import argparse  # noqa: E402
import cProfile  # noqa: E402
import io  # noqa: E402
import platform  # noqa: E402
import pstats  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from _multinews import DATA, ROOT, load_articles as _load  # noqa: E402  (bench/ is on sys.path)

WORDS = 500
WARM = 20  # articles analysed before timing (not timed)


def load_articles(n: int):
    """n articles of ~WORDS words (cut at a sentence end), dated so dates resolve."""
    return _load(n, words=WORDS, published="2024-01-15")


CPU: dict[str, float] = {}


def _timed(fn, label: str = ""):
    """(result, wall seconds); the process CPU seconds go to CPU[label] (the box is shared)."""
    t, c = time.perf_counter(), time.process_time()
    r = fn()
    if label:
        CPU[label] = time.process_time() - c
    return r, time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "speed.md"))
    ap.add_argument("--profile", action="store_true", help="print a cProfile of the non-spaCy stages")
    ap.add_argument("--components", action="store_true", help="spaCy throughput with each heavy component off")
    args = ap.parse_args()

    from newsfuse import claims, dates, entities, nlp, pipeline, quotes
    from newsfuse.nlp import fastner

    sets = 3 if args.components else 2
    pool = load_articles(sets * args.n + WARM)
    if len(pool) < sets + WARM:
        raise SystemExit(f"no articles at {DATA}")
    # disjoint sets, so that no timed run re-reads text the process has already seen
    n = (len(pool) - WARM) // sets
    warm, articles, fresh_set = pool[:WARM], pool[WARM : WARM + n], pool[WARM + n : WARM + 2 * n]
    teacher_set = pool[WARM + 2 * n : WARM + 3 * n]
    _, t_clean = _timed(lambda: pipeline.clean_all(articles))
    pipeline.clean_all(warm + fresh_set + teacher_set)
    words = sum(len(a.text.split()) for a in articles)
    model = nlp.load()
    pipeline.analyze(warm)  # warm: model, dateparser, pint, regexes, common vocabulary

    docs, t_spacy = _timed(lambda: list(model.pipe((a.text for a in articles), batch_size=nlp.BATCH_SIZE)), "spacy")
    _, t_whole = _timed(lambda: pipeline.analyze(fresh_set), "whole")
    if args.components and fastner.HEAD_NAME in model.pipe_names:  # the whole stage with the teacher NER
        with fastner.teacher(model):
            _timed(lambda: pipeline.analyze(teacher_set), "whole_teacher")

    stage_t: dict[str, float] = {}

    def stage(name: str, fn) -> None:
        t = time.perf_counter()
        for a, d in zip(articles, docs):
            fn(a, d)
        stage_t[name] = time.perf_counter() - t

    def fresh(d):
        d.user_data.clear()  # claims/dates share a per-Doc cache: time each cold
        return d

    stage("sentences", lambda a, d: nlp.sentences(a.id, d, a.raw_offset))
    ents = {}
    stage("entities", lambda a, d: ents.__setitem__(a.id, entities.extract(a, d)))
    stage("quotes", lambda a, d: quotes.extract(a, d, ents[a.id]))
    stage("dates", lambda a, d: dates.resolve(a, fresh(d)))
    stage("claims (incl. dates)", lambda a, d: claims.extract(a, fresh(d)))

    prof_txt = ""
    if args.profile:
        pr = cProfile.Profile()
        pr.enable()
        for a, d in zip(articles, docs):
            es = entities.extract(a, d)
            quotes.extract(a, d, es)
            claims.extract(a, fresh(d))
        pr.disable()
        s = io.StringIO()
        pstats.Stats(pr, stream=s).sort_stats("cumulative").print_stats(25)
        prof_txt = s.getvalue()
        print(prof_txt)

    comp_lines = []
    if args.components:  # which spaCy component costs what (CPU time, same texts)
        texts = [a.text for a in articles]
        lemmatizer = [p for p in model.pipe_names if p.endswith("lemmatizer")]
        ner = [p for p in model.pipe_names if p in ("ner", fastner.HEAD_NAME)]
        for off in ([], ner, ["parser"], lemmatizer):
            with model.select_pipes(disable=off):
                _, _ = _timed(lambda: list(model.pipe(texts, batch_size=nlp.BATCH_SIZE)), "c")
            comp_lines.append(f"| {', '.join(off) or '(full pipeline)'} | {n / CPU['c']:.1f} |")
        if fastner.HEAD_NAME in model.pipe_names:  # en_core_web_sm's own NER in place of the distilled head
            with fastner.teacher(model):
                _timed(lambda: list(model.pipe(texts, batch_size=nlp.BATCH_SIZE)), "c")
            comp_lines.append(f"| (full pipeline, teacher NER instead of `{fastner.HEAD_NAME}`) | {n / CPU['c']:.1f} |")
        # the same texts through stock spaCy (thinc's BLIS, spaCy's own ruler and lemmatizer)
        os.environ["NEWSFUSE_STOCK_SPACY"] = "1"
        nlp.load.cache_clear()
        stock = nlp.load()
        list(stock.pipe(texts, batch_size=nlp.BATCH_SIZE))  # once untimed: both pipelines then re-read seen text
        _timed(lambda: list(stock.pipe(texts, batch_size=nlp.BATCH_SIZE)), "c")
        comp_lines.append(f"| stock spaCy, full pipeline (no newsfuse speed-ups) | {n / CPU['c']:.1f} |")
        del os.environ["NEWSFUSE_STOCK_SPACY"]
        nlp.load.cache_clear()

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next((ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")), cpu)
    except OSError:
        pass
    lines = [
        "# Per-article speed (one core)",
        "",
        f"Command: `OMP_NUM_THREADS=1 .venv/bin/python bench/speed.py --n {args.n}{' --components' if args.components else ''}`",
        f"Machine: {cpu}, {os.cpu_count()} cores visible (shared with other jobs), Python {platform.python_version()}, "
        f"spaCy model {model.meta.get('name')} {model.meta.get('version')}.",
        f"Data: Multi-News dev articles cut to ~{WORDS} words (mean {words / n:.0f} words), read at run time: {WARM} to warm "
        f"up, then {n} for spaCy alone and {n} other ones for the whole stage, so neither timed run sees a text twice.",
        "",
        f"CPU seconds of this process (contention-free figure): spaCy {CPU['spacy']:.2f} s = "
        f"{n / CPU['spacy']:.1f} articles/s; whole stage {CPU['whole']:.2f} s = **{n / CPU['whole']:.1f} articles/s**.",
        "",
        "| stage (wall clock) | seconds | articles/s | share of whole |",
        "|---|---:|---:|---:|",
        f"| spaCy `nlp.pipe` alone | {t_spacy:.2f} | {n / t_spacy:.1f} | {t_spacy / t_whole:.0%} |",
        f"| **whole `pipeline.analyze`** | {t_whole:.2f} | **{n / t_whole:.1f}** | 100% |",
    ]
    for name, t in stage_t.items():
        lines.append(f"| {name} (on parsed Docs) | {t:.2f} | {n / t:.0f} | {t / t_whole:.0%} |")
    lines += [
        f"| clean (before analyze, not in it) | {t_clean:.2f} | {n / t_clean:.0f} | – |",
        "",
        f"Goal: ≥ 20 articles/s for the whole stage. Result: {n / CPU['whole']:.1f} articles/s per CPU-second "
        f"({'met' if n / CPU['whole'] >= 20 else 'NOT met'}), {n / t_whole:.1f} wall-clock on the shared box; "
        f"spaCy is {CPU['spacy'] / CPU['whole']:.0%} of the CPU time.",
    ]
    if "whole_teacher" in CPU:
        lines += ["", f"Whole stage with en_core_web_sm's own NER instead of the distilled head "
                  f"(`NEWSFUSE_FAST_NER=0`; a third set of {n} unseen articles): "
                  f"{n / CPU['whole_teacher']:.1f} articles/s per CPU-second."]
    if comp_lines:
        lines += ["", "spaCy alone with a component switched off (CPU articles/s):", "",
                  "| disabled | articles/s |", "|---|---:|", *comp_lines]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
