"""Align's tuning constants (calibrated on invented mini-stories and the seed story; see tests/test_align.py)."""

EXACT_MAX = 300  # up to this many units: exact blocked top-k; above: random-projection forest
TOP_K = 12  # neighbours kept per unit
MIN_COS = 0.35  # candidate pairs below this cosine are never considered
FACT_LINK = 0.92  # pair score (cos + lexical + entity + quantity bonuses) that links two sentences
FACT_GUARD = 0.50  # complete-link guard: every cross pair of a merged fact keeps at least this cosine
FACT_AVG = 0.80  # and the merged groups' mean pair score stays at least this
QUOTE_LINK = 0.95  # statement pair score (cos + TF-IDF) that links two quotes of one speaker
QUOTE_GUARD = 0.45  # complete-link guard for quote groups (pair score)
QUOTE_AVG = 0.75
SHORT_QUOTE = 6  # quotes of fewer words need a closer match (score penalty 0.25)
STATEMENT_GAP = 80  # quotes of one speaker closer than this (chars) form one statement
MIN_WORDS = 4  # shorter sentences are not aligned
