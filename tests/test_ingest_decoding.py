"""Decoding (`ingest.decoding`): UTF-8 first with bad bytes counted, declared charsets honoured, windows-1252
for Latin bytes, never a CJK codec for Latin text; every replacement or re-decoding said on the article."""

from __future__ import annotations

from newsfuse import ingest, pipeline
from newsfuse.ingest.decoding import declared_charset, decode_text

REPORT = (
    "Flooding hit São Paulo on Monday after the heaviest rain in a decade, officials said.\n"
    "José García, who runs a bakery in the Jardim Pantanal district, said the water reached his counter.\n"
    "The city's civil defence agency said about 1,200 people had left their homes by nightfall.\n"
)


def _one(tmp_path, name: str, data: bytes):
    p = tmp_path / name
    p.write_bytes(data)
    problems: list = []
    arts = pipeline.read([str(p)], problems)
    assert problems == [] and len(arts) == 1
    return arts[0]


def test_one_invalid_byte_in_utf8_is_replaced_and_counted_not_read_as_shift_jis(tmp_path):
    data = REPORT.encode("utf-8").replace(b"bakery", b"bak\xffery")
    art = _one(tmp_path, "bakery.txt", data)
    assert "José García" in art.raw and "São Paulo" in art.raw and "bak\ufffdery" in art.raw
    notes = [s for s in art.removed if s.reason == "decoding"]
    assert [s.text for s in notes] == ["1 invalid UTF-8 byte sequence replaced with U+FFFD"]


def test_latin1_file_reads_as_latin_and_says_so(tmp_path):
    art = _one(tmp_path, "flood.txt", REPORT.encode("latin-1"))
    assert "São Paulo" in art.raw and "José García" in art.raw
    assert any(s.reason == "decoding" and "windows-1252" in s.text for s in art.removed)


def test_cp1252_smart_quotes_and_dashes(tmp_path):
    text = ("The mayor said \u201cthe river will not beat us\u201d \u2013 and promised the caf\u00e9s on the quay "
            "would reopen by Friday. \u2018We lost everything,\u2019 one owner said.\n")
    art = _one(tmp_path, "quay.txt", text.encode("cp1252"))
    assert "\u201cthe river will not beat us\u201d \u2013" in art.raw and "\u2018We lost everything,\u2019" in art.raw


def test_declared_charsets_are_honoured_without_a_warning():
    page = "<html><head><meta http-equiv='Content-Type' content='text/html; charset=ISO-8859-1'></head>"
    assert declared_charset(page.encode("ascii")) == ("cp1252", "the HTML meta tag")
    assert declared_charset(b'<?xml version="1.0" encoding="koi8-r"?><rss/>') == ("koi8-r", "the XML prolog")
    assert declared_charset(b"plain", "text/html; charset=windows-1251") == ("cp1251", "the HTTP header")
    cyr = "Москва объявила о новых мерах поддержки."
    assert decode_text(cyr.encode("cp1251"), "text/plain; charset=windows-1251") == (cyr, "")
    assert decode_text(REPORT.encode("utf-8")) == (REPORT, "")


def test_mostly_latin_bytes_never_get_a_cjk_codec():
    # a Latin text whose few high bytes are not windows-1252 letters: whatever is guessed, it is no CJK codec
    data = REPORT.encode("ascii", "replace").replace(b"?", b"\x81\x8d")
    text, note = decode_text(data)
    assert "Flooding hit S" in text and "Jardim Pantanal district" in text and note


def test_japanese_shift_jis_file_is_still_read(tmp_path):
    jp = "東京都は月曜日、大雨による被害が出た地域に支援金を出すと発表した。住民およそ三百人が避難した。\n"
    art = _one(tmp_path, "tokyo.txt", jp.encode("shift_jis"))
    assert art.raw.strip() == jp.strip()
    assert any(s.reason == "decoding" and "guess" in s.text for s in art.removed)


def test_decoding_note_is_kept_through_ingest(tmp_path):
    p = tmp_path / "flood.txt"
    p.write_bytes(REPORT.encode("latin-1"))
    [art] = ingest.ingest([str(p)])
    assert "windows-1252" in art.meta["decoding"]
