"""Document extraction: plain-text press releases and project texts in Nordic languages
(and English, Portuguese) into entities and facts, in the JSON of
``../shared/extraction/CONTRACT.md``.

Rules and gazetteers, no trained model: language knowledge lives in ``lexicon/<lang>.yaml``,
known names come from the graph. The JSON is also what gold files use, so one scorer
(:mod:`nbkg.extraction.scoring`) serves both.
"""
