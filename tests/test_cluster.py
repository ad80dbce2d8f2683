"""Story clustering on invented articles: same topic is not same story; streams; bundles; state; CLI."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from newsfuse.cli import app
from newsfuse.cluster import Config, StoryClusterer, cluster, default_embedder
from newsfuse.model import Article

PERU = [
    ("peru-1", "2031-03-04", "Strong earthquake shakes southern Peru",
     "A magnitude 6.8 earthquake struck near Arequipa in southern Peru on Tuesday, killing at least 14 people "
     "and collapsing adobe homes in the Colca Valley. Peru's civil defence institute INDECI said rescuers were "
     "searching for survivors in Chivay and Cabanaconde. President Lucia Ramos flew to Arequipa and declared a "
     "state of emergency for 60 days. The quake was felt as far away as Tacna and Cusco."),
    ("peru-2", "2031-03-04", "Death toll rises after Arequipa quake",
     "Rescue teams in Arequipa pulled survivors from collapsed adobe houses after a 6.8-magnitude earthquake hit "
     "southern Peru. INDECI raised the death toll to 14 and said more than 300 homes in the Colca Valley were "
     "destroyed. In Chivay, residents slept outdoors fearing aftershocks. Lucia Ramos declared a state of "
     "emergency in Arequipa province."),
    ("peru-3", "2031-03-05", "Peru sends aid to Colca Valley after deadly earthquake",
     "The government of Peru sent tents, water and medical teams to the Colca Valley a day after the magnitude "
     "6.8 earthquake near Arequipa left 14 dead. INDECI said roads to Cabanaconde were blocked by landslides. "
     "President Lucia Ramos visited Chivay, where the church tower fell, and promised to rebuild adobe homes."),
]
TURKEY = [
    ("tr-1", "2031-09-12", "Earthquake hits eastern Turkey near Van",
     "A magnitude 5.9 earthquake struck Van province in eastern Turkey on Friday, killing three people and "
     "damaging buildings in Ercis. Turkey's disaster agency AFAD said search teams were sent from Erzurum. "
     "Interior Minister Kemal Aydin said schools in Van would stay closed while engineers checked them."),
    ("tr-2", "2031-09-12", "Three dead as quake strikes Turkey's Van province",
     "AFAD reported three deaths after a 5.9-magnitude earthquake shook Van and Ercis in eastern Turkey. "
     "Kemal Aydin told reporters in Van that tents were being set up for families whose homes were damaged, "
     "and that rescue teams from Erzurum had arrived in Ercis overnight."),
]
SUMMIT = [
    ("eu-1", "2031-03-05", "EU leaders agree fishing quota deal in Brussels",
     "European Union leaders meeting in Brussels agreed a new fishing quota deal for the North Sea after talks "
     "that ran past midnight. Commission president Anna Lindqvist said the agreement would protect cod stocks. "
     "Danish and Dutch fishermen criticised the cuts."),
]


SUMMIT_2 = [
    ("eu-2", "2031-03-05", "North Sea cod quotas cut after all-night Brussels talks",
     "Fishing ministers and EU leaders in Brussels cut North Sea cod quotas in a deal struck after midnight. "
     "Anna Lindqvist, the Commission president, said cod stocks needed time to recover; fishermen in Denmark and "
     "the Netherlands said the cuts would cost jobs."),
]
# one wreck told twice with almost no words in common: only the article vectors (MiniLM) see one story
FERRY = [
    ("ferry-1", "2031-06-01", "Ferry runs aground off Skerra, all aboard safe",
     "The passenger ferry Nordlys struck rocks near the island of Skerra late on Sunday. Lifeboats took all 212 "
     "people off the ship and no one was hurt, the coastguard said. The operator cancelled Monday's sailings."),
    ("ferry-2", "2031-06-02", "Hundreds rescued after boat hits reef",
     "Rescue crews brought every traveller ashore overnight after a vessel carrying more than two hundred "
     "holidaymakers ploughed onto a reef in the northern archipelago. Nobody was injured, officials confirmed, "
     "and the company has suspended its routes while divers inspect the hull."),
]

def _articles(rows) -> list[Article]:
    return [Article(id=i, published=d, title=t, text=x, raw=x) for i, d, t, x in rows]


def _groups(articles: list[Article]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for a in articles:
        out.setdefault(a.story, set()).add(a.id)
    return out


def test_two_earthquakes_are_two_stories_and_three_outlets_are_one() -> None:
    arts = _articles(PERU + TURKEY + SUMMIT)
    stories = cluster(arts, embedder=None)
    groups = sorted(map(sorted, _groups(arts).values()))
    assert groups == [["eu-1"], ["peru-1", "peru-2", "peru-3"], ["tr-1", "tr-2"]]
    assert sorted(len(s.articles) for s in stories) == [1, 2, 3]


def test_stream_out_of_order_and_state_round_trip() -> None:
    arts = _articles(PERU + TURKEY + SUMMIT)
    by = {a.id: a for a in arts}
    sc = StoryClusterer(Config())
    # late article first, the Turkish quake in between, then the rest
    first = [sc.add(by[i]) for i in ("peru-3", "tr-2", "peru-1")]
    assert first[0] == first[2] != first[1]
    sc2 = StoryClusterer.from_state(json.loads(json.dumps(sc.state())))
    rest = {i: sc2.add(by[i]) for i in ("eu-1", "tr-1", "peru-2")}
    assert rest["peru-2"] == first[0]
    assert rest["tr-1"] == first[1]
    assert rest["eu-1"] not in (first[0], first[1])
    assert len(sc2) == 3


def test_preset_bundle_stories_are_kept() -> None:
    arts = _articles(PERU + TURKEY)
    for a in arts:
        a.story = "bundle-peru" if a.id == "peru-1" else None
    arts[3].story = "bundle-x"  # a user put tr-1 in its own bundle: respected even though tr-2 is similar
    cluster(arts, embedder=None)
    assert arts[0].story == "bundle-peru"
    assert arts[3].story == "bundle-x"
    assert {arts[1].story, arts[2].story} == {"bundle-peru"}  # loose articles may join a bundle's story


def test_duplicates_follow_their_original() -> None:
    arts = _articles(PERU[:1] + TURKEY)
    copy = Article(id="wire", published="2031-09-13", title="Other title", text=TURKEY[0][3], duplicate_of="tr-1")
    cluster(arts + [copy], embedder=None)
    assert copy.story == arts[1].story


def test_cli_cluster_json(tmp_path) -> None:
    f = tmp_path / "in.jsonl"
    rows = PERU + TURKEY
    f.write_text("\n".join(json.dumps({"id": i, "date_publish": d, "title": t, "text": x}) for i, d, t, x in rows) + "\n")
    res = CliRunner().invoke(app, ["cluster", str(f), "--json"])
    assert res.exit_code == 0, res.output
    mapping = json.loads(res.stdout.strip().splitlines()[-1])
    assert set(mapping) == {r[0] for r in rows}
    assert len({mapping[i] for i in ("peru-1", "peru-2", "peru-3")}) == 1
    assert mapping["tr-1"] == mapping["tr-2"] != mapping["peru-1"]


def test_batch_sparse_path_matches_dense_and_bundles_never_merge() -> None:
    from newsfuse.cluster import BatchConfig
    from newsfuse.cluster.batch import average_link

    dense = _articles(PERU + TURKEY + SUMMIT)
    sparse_ = _articles(PERU + TURKEY + SUMMIT)
    cluster(dense, embedder=None)
    cluster(sparse_, embedder=None, batch_config=BatchConfig(dense_max=0))  # top-k neighbour graph path
    assert sorted(map(sorted, _groups(dense).values())) == sorted(map(sorted, _groups(sparse_).values()))
    # two locked labels (bundles) stay apart however strong their link
    import numpy as np

    I, J, V = np.array([0, 1]), np.array([1, 2]), np.array([0.9, 0.9])
    parts = average_link(3, I, J, V, 0.5, locked=["a", None, "b"])
    assert sorted(map(sorted, parts)) in ([[0, 1], [2]], [[0], [1, 2]])


def test_average_link_weighs_a_merged_clusters_links_by_its_size_against_the_cut() -> None:
    """Only links at or above the cut wait on the merge heap (the rest could only end it): a third article linked to
    one of a merged pair joins only when the pair's mean link to it still reaches the cut, and two merged pairs
    only when the mean over their four links does."""
    import numpy as np

    from newsfuse.cluster.batch import average_link

    # 0-1 strong; 2 links to 1 only (0.5), so to the pair {0, 1} at 0.25
    I, J, V = np.array([0, 1]), np.array([1, 2]), np.array([0.9, 0.5])
    assert sorted(map(sorted, average_link(3, I, J, V, 0.3))) == [[0, 1], [2]]
    assert sorted(map(sorted, average_link(3, I, J, V, 0.2))) == [[0, 1, 2]]
    # 3 links to 0 and 1 at 0.25 each (below a 0.3 cut) and to 2 at 0.45: {0, 1} and {2, 3} stay apart
    I, J, V = np.array([0, 0, 1, 2]), np.array([1, 3, 3, 3]), np.array([0.9, 0.25, 0.25, 0.45])
    assert sorted(map(sorted, average_link(4, I, J, V, 0.3))) == [[0, 1], [2, 3]]
    assert sorted(map(sorted, average_link(4, I, J, V, 0.2))) == [[0, 1], [2, 3]]  # the pairs' mean link: 0.125
    assert sorted(map(sorted, average_link(4, I, J, V, 0.1))) == [[0, 1, 2, 3]]


def _stream(config: Config, arts: list[Article]) -> StoryClusterer:
    sc = StoryClusterer(config)
    for a in arts:
        sc.add(a)
    return sc


def test_window_recluster_merges_one_article_stories_under_stable_ids() -> None:
    arts = _articles(PERU + TURKEY + SUMMIT)
    sc = _stream(Config(threshold=10.0, threshold_single=10.0, recluster_every=0), arts)  # online never merges
    before = dict(sc.story_of)
    assert len(sc) == 6
    res = sc.recluster()
    groups = sorted(sorted(st.articles) for st in sc.stories.values())
    assert groups == [["eu-1"], ["peru-1", "peru-2", "peru-3"], ["tr-1", "tr-2"]]
    assert set(sc.stories) <= set(before.values())  # every cluster took an old id; none invented
    assert sc.story_of["peru-2"] == before["peru-1"]  # ties go to the longer-standing story
    assert res.merged == {before["peru-2"]: before["peru-1"], before["peru-3"]: before["peru-1"], before["tr-2"]: before["tr-1"]}
    assert sc.merged_into == res.merged and res.moved == 3
    assert sc.recluster().moved == 0  # stable: a second pass changes nothing
    from newsfuse.cluster.stream import redirect

    assert redirect({"story-3": "story-2", "story-2": "story-1"}, "story-3") == "story-1"  # chains are followed
    assert sc.redirect(before["peru-3"]) == before["peru-1"]


def test_window_recluster_splits_and_periodic_runs() -> None:
    arts = _articles(PERU + TURKEY + SUMMIT)
    sc = StoryClusterer(Config(recluster_every=0))
    sc.decide = lambda scored: next(iter(sc.stories), None)  # online stage lumps everything into one story
    for a in arts:
        sc.add(a)
    (only,) = sc.stories
    res = sc.recluster()
    assert sc.story_of["peru-1"] == only  # the biggest part keeps the id
    assert sorted(res.split.values()) == [only, only] and not res.merged
    sc = StoryClusterer(Config(recluster_every=3))  # re-clusters every 3 articles; add() returns the id after it
    ids = [sc.add(a) for a in arts]
    assert ids[2] == sc.story_of["peru-3"] and sc.since_recluster == 0


def test_state_keeps_window_and_old_states_load() -> None:
    arts = _articles(PERU + TURKEY + SUMMIT)
    sc = _stream(Config(threshold=10.0, threshold_single=10.0, recluster_every=0), arts)
    state = json.loads(json.dumps(sc.state()))
    sc2 = StoryClusterer.from_state(state)
    assert set(sc2.docs) == set(sc.docs)
    sc.recluster()
    sc2.recluster()
    assert sc2.story_of == sc.story_of and sc2.merged_into == sc.merged_into
    # a version-1 state (before window re-clustering): loads; its stories stay as they are
    for k in ("docs", "batch_config", "merged_into", "since_recluster"):
        state.pop(k)
    state["version"] = 1
    for k in ("recluster_every", "window_articles"):
        state["config"].pop(k)
    old = StoryClusterer.from_state(state)
    old.add(Article(id="late", published="2031-09-14", title="Another story", text="Nothing in common here."))
    assert old.recluster().window <= 1 and len(old) == 7


def _copies(rounds: int) -> list[Article]:
    """Re-dated, renamed copies of the invented stories: merges, splits, evictions and new stories over time."""
    out = []
    for r in range(rounds):
        for i, d, t, x in PERU + TURKEY + SUMMIT:
            year = int(d[:4]) + r // 2
            out.append(Article(id=f"{i}-r{r}", published=f"{year}{d[4:]}", title=f"{t} ({r})", text=x, raw=x))
    return out


def test_row_saves_rebuild_exactly_what_whole_state_saves_do(monkeypatch, apply_rows) -> None:
    from newsfuse.cluster import rows as R

    monkeypatch.setattr(R, "_MIN_BASE", 50)  # frequencies: both patches and fresh bases within the test
    config = Config(recluster_every=4, window_days=500.0, max_active=7, window_articles=10)
    arts = _copies(6)
    db: dict[str, dict[str, str]] = {}
    head = None
    whole = None
    puts: list[int] = []
    dfs: list[str] = []
    for start in range(0, len(arts), 3):  # one ingest batch = load, add, save (as `store.update` does)
        by_rows = StoryClusterer.from_rows(head, db) if head else StoryClusterer(config)
        by_state = StoryClusterer.from_state(json.loads(whole)) if whole else StoryClusterer(config)
        for a in arts[start : start + 3]:
            assert by_rows.add(a) == by_state.add(a)
        head, rows = by_rows.changed_rows()
        head = json.loads(json.dumps(head))
        assert rows.replace == (start == 0)
        puts.append(sum(kind == "story" for kind, _k, _v in rows.put))
        dfs += [k for kind, k, _v in rows.put if kind == "df"]
        apply_rows(db, rows)
        whole = json.dumps(by_state.state())
        reloaded = StoryClusterer.from_rows(head, db)
        assert json.dumps(reloaded.state(), sort_keys=True) == json.dumps(json.loads(whole), sort_keys=True)
        assert list(reloaded.stories) == list(by_state.stories) and list(reloaded.docs) == list(by_state.docs)
    assert by_state.evicted and by_state.merged_into  # the stream did evict and merge
    assert min(puts[1:]) < config.max_active  # later saves write only the stories that changed
    assert "base" in dfs[1:] and any(k.startswith("p") for k in dfs)  # frequency patches; a new base once they outgrow it
    # a whole (version 2) state saves as rows in full the first time
    legacy = StoryClusterer.from_state(json.loads(whole))
    head2, rows2 = legacy.changed_rows()
    assert rows2.replace and sum(kind == "story" for kind, _k, _v in rows2.put) == len(legacy)


def test_a_duplicate_link_across_two_bundles_never_merges_them() -> None:
    arts = _articles(PERU + TURKEY)
    arts[0].story = arts[1].story = "bundle-peru"
    arts[3].story = "bundle-turkey"
    arts[3].duplicate_of = "peru-1"  # say a shared boilerplate page was marked a copy across bundles
    cluster(arts, embedder=None)
    assert arts[0].story == arts[1].story == "bundle-peru"
    assert arts[3].story == "bundle-turkey"


# A Turkey report that a near-duplicate check tied to a Peru report (say both carry one outlet's long
# boilerplate note): its own text and the other Turkey reports say Turkey.
TR3 = ("tr-3", "2031-09-13", "Schools in Van stay shut after Turkey quake",
       "Schools in Van and Ercis stayed closed on Saturday as engineers from AFAD inspected buildings cracked by the "
       "5.9-magnitude earthquake in eastern Turkey. Kemal Aydin said the three victims would be buried in Ercis and "
       "that rescue teams from Erzurum would stay in Van province until the inspections ended.")


def _linked() -> list[Article]:
    arts = _articles(PERU + TURKEY + [TR3])
    arts[-1].duplicate_of, arts[-1].duplicate_similarity = "peru-1", 0.71
    return arts


def test_a_duplicate_link_alone_never_joins_two_stories_in_a_batch() -> None:
    arts = _linked()
    cluster(arts, embedder=None)
    assert sorted(map(sorted, _groups(arts).values())) == [["peru-1", "peru-2", "peru-3"], ["tr-1", "tr-2", "tr-3"]]
    assert arts[-1].duplicate_of is None  # a copy only within its story: tr-3 is an original of the Turkey story
    # a copy whose story has nothing else still joins its original
    copy = Article(id="wire", published="2031-09-13", title="Other title", text=TURKEY[0][3], duplicate_of="tr-1")
    more = _articles(PERU) + [copy] + _articles(TURKEY)
    cluster(more, embedder=None)
    assert copy.story == more[-2].story and copy.duplicate_of == "tr-1"


def test_a_duplicate_link_alone_never_joins_two_stories_in_the_stream() -> None:
    sc = _stream(Config(recluster_every=0), _linked())
    assert sorted(sorted(st.articles) for st in sc.stories.values()) == [["peru-1", "peru-2", "peru-3"],
                                                                        ["tr-1", "tr-2", "tr-3"]]
    sc.recluster()  # the window's batch re-clustering keeps them apart too
    assert sorted(sorted(st.articles) for st in sc.stories.values()) == [["peru-1", "peru-2", "peru-3"],
                                                                        ["tr-1", "tr-2", "tr-3"]]
    # a true copy (same text) still lands with its original in the stream
    copy = Article(id="wire", published="2031-09-13", title="Other title", text=TURKEY[0][3], duplicate_of="tr-1")
    assert sc.add(copy) == sc.story_of["tr-1"]


def test_cli_cluster_reads_records_through_the_cleaning_path(tmp_path) -> None:
    from test_clean_shared import ARCHIVE_NOTE, DEPOT, DEPOT_OTHER, QUAKE

    rows = [("depot-a", "Council backs bus depot", ARCHIVE_NOTE + "\n\n" + DEPOT),
            ("quake", "Quake rattles Varnia coast", ARCHIVE_NOTE + "\n\n" + QUAKE),
            ("depot-b", "Lakeford approves depot", DEPOT_OTHER),
            ("empty", "Advertisement", "Advertisement")]
    f = tmp_path / "in.jsonl"
    f.write_text("\n".join(json.dumps({"id": i, "date_publish": "2024-03-05", "title": t, "text": x}) for i, t, x in rows) + "\n")
    res = CliRunner().invoke(app, ["cluster", str(f), "--json"])
    mapping = json.loads(res.stdout.strip().splitlines()[-1])
    assert mapping["depot-a"] == mapping["depot-b"] != mapping["quake"]  # the shared note is cleaned away first
    assert "empty" not in mapping and res.exit_code == 1  # nothing left after cleaning: an error line, not a story


def test_a_story_told_in_other_words_clusters_by_its_article_vectors_batch_and_stream() -> None:
    rows = PERU + TURKEY + SUMMIT + SUMMIT_2 + FERRY
    want = [["eu-1", "eu-2"], ["ferry-1", "ferry-2"], ["peru-1", "peru-2", "peru-3"], ["tr-1", "tr-2"]]
    arts = _articles(rows)
    cluster(arts)  # the default: article vectors from the installed model
    assert sorted(map(sorted, _groups(arts).values())) == want
    words_only = _articles(rows)
    cluster(words_only, config=Config(w_embedding=0))
    assert ["ferry-1"] in sorted(map(sorted, _groups(words_only).values()))  # so the vectors did the joining

    sc = StoryClusterer(Config(), embedder=default_embedder())  # as the store's ingest builds it
    for a in _articles(rows):
        sc.add(a)
    sc.recluster()
    assert sorted(sorted(st.articles) for st in sc.stories.values()) == want
