"""Language of a document: simplemma's dictionary detection, tie-broken by the lexicons'
stopwords (which tell Bokmål, Nynorsk, Danish and Swedish apart better than lemmas do)."""

from __future__ import annotations

import re
from collections import Counter

from simplemma import langdetect

from nbkg.extraction.lexicon import LANGUAGES, stopwords

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def detect(text: str, candidates: tuple[str, ...] = LANGUAGES) -> str:
    """ISO 639-1 code of the language ``text`` is most likely written in."""
    sample = text[:4000]
    words = [w.casefold() for w in _WORD.findall(sample)]
    if not words:
        return "en"
    counts = Counter(words)
    total = sum(counts.values())
    hits = {
        lang: sum(n for w, n in counts.items() if w in stop)
        for lang in candidates
        if (stop := stopwords(lang))
    }
    # A language none of whose stopwords occurs is out when another's do. That spares its
    # dictionary, which takes up to three seconds to load (Finnish) in every build.
    likely = tuple(lang for lang in candidates if hits.get(lang)) or candidates
    scores: dict[str, float] = {}
    for lang, share in langdetect(sample, lang=likely):
        if lang in likely:
            scores[lang] = share
    for lang in likely:
        scores[lang] = scores.get(lang, 0.0) + 2.0 * hits.get(lang, 0) / total
    return max(scores, key=lambda k: scores[k])
