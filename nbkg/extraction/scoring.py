"""Scoring extractor output against gold files, as the Scoring section of CONTRACT.md says.

Entities: a predicted entity matches a gold entity when the types are equal and its case- and
space-normalised ``label`` or ``name`` equals the gold label, name or one of its ``aliases``.
Matching is one-to-one (a maximum matching: each gold and each predicted entity is used at
most once), so a second predicted copy of the same entity counts as a false positive.

Facts: predicates equal; the subject and an entity object match through the entity matching
(the predicted entity must be matched to that very gold entity); ``collaboratesWith`` is
symmetric; dates compare at the gold precision (predicted "2013-07-01" matches gold
"2013-07", predicted "2013" does not); amounts compare amount and currency; ``hasRole``
compares the normalised role and, when gold names one, the organisation through the entity
matching; counts compare equal. Duplicated predicted facts count once, and fact matching is
one-to-one as well.

Precision, recall and F1 are reported per document, per language and in total, micro-averaged
(true/false positives and false negatives are summed before dividing).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from nbkg.extraction.contract import (
    DATE_PREDICATES,
    ENTITY_PREDICATES,
    SYMMETRIC_PREDICATES,
    problems,
    read_text,
)

Extract = Callable[[str, str, str | None], dict]


class GoldError(ValueError):
    """Gold files that cannot be scored against; ``errors`` names each file and problem."""

    def __init__(self, errors: Sequence[str]):
        self.errors = list(errors)
        super().__init__("invalid gold data:\n  " + "\n  ".join(self.errors))


def normalise(value: Any) -> str:
    """Case- and space-normalised form of a label, name, alias or role."""
    return " ".join(str(value).casefold().split()) if value is not None else ""


@dataclass(frozen=True)
class Counts:
    """True positives, false positives and false negatives, with P/R/F1 derived from them.

    With nothing predicted and nothing in gold all three measures are 1.0; otherwise an empty
    denominator gives 0.0.
    """

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float:
        if self.tp + self.fp:
            return self.tp / (self.tp + self.fp)
        return 1.0 if self.fn == 0 else 0.0

    @property
    def recall(self) -> float:
        if self.tp + self.fn:
            return self.tp / (self.tp + self.fn)
        return 1.0 if self.fp == 0 else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 6),
            "recall": round(self.recall, 6),
            "f1": round(self.f1, 6),
        }


@dataclass(frozen=True)
class Totals:
    """Summed entity and fact counts over ``documents`` documents."""

    entities: Counts = Counts()
    facts: Counts = Counts()
    documents: int = 0

    def __add__(self, other: Totals) -> Totals:
        return Totals(
            self.entities + other.entities,
            self.facts + other.facts,
            self.documents + other.documents,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "entities": self.entities.as_dict(),
            "facts": self.facts.as_dict(),
        }


@dataclass
class DocumentScore:
    """The score of one predicted document against its gold document, with the details."""

    document: str
    language: str | None
    entities: Counts
    facts: Counts
    #: (predicted entity id, gold entity id) of every entity match.
    entity_matches: list[tuple[str, str]] = field(default_factory=list)
    missed_entities: list[dict] = field(default_factory=list)
    spurious_entities: list[dict] = field(default_factory=list)
    missed_facts: list[dict] = field(default_factory=list)
    spurious_facts: list[dict] = field(default_factory=list)
    #: The gold file's name, when scored by :func:`evaluate`.
    gold_file: str | None = None
    #: Ways the predicted document deviates from the contract (filled in by :func:`evaluate`).
    problems: list[str] = field(default_factory=list)

    @property
    def totals(self) -> Totals:
        return Totals(self.entities, self.facts, 1)

    def as_dict(self, details: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "document": self.document,
            "gold_file": self.gold_file,
            "language": self.language,
            "entities": self.entities.as_dict(),
            "facts": self.facts.as_dict(),
            "problems": list(self.problems),
        }
        if details:
            out.update(
                entity_matches=[list(pair) for pair in self.entity_matches],
                missed_entities=self.missed_entities,
                spurious_entities=self.spurious_entities,
                missed_facts=self.missed_facts,
                spurious_facts=self.spurious_facts,
            )
        return out


# ---------------------------------------------------------------------------- matching


def _maximum_matching(
    left: Sequence[Any], right: Sequence[Any], rank: Callable[[Any, Any], int | None]
) -> dict[int, int]:
    """A maximum one-to-one matching {left index: right index}.

    ``rank(l, r)`` is None when the two cannot match, else a preference (lower is better):
    left items are placed in order, each trying its candidates best-first (Kuhn's algorithm).
    """
    candidates: list[list[int]] = []
    for item in left:
        ranked = [(r, j) for j, other in enumerate(right) if (r := rank(item, other)) is not None]
        candidates.append([j for _, j in sorted(ranked)])
    owner: dict[int, int] = {}  # right index -> left index

    def augment(i: int, seen: set[int]) -> bool:
        for j in candidates[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(len(left)):
        augment(i, set())
    return {i: j for j, i in owner.items()}


def _forms(entity: Mapping[str, Any], aliases: bool = False) -> set[str]:
    """The normalised label and name of an entity (and its aliases, for gold entities)."""
    values: list[Any] = [entity.get("label"), entity.get("name")]
    if aliases and isinstance(entity.get("aliases"), list):
        values += entity["aliases"]
    return {n for v in values if isinstance(v, str) and (n := normalise(v))}


def _entity_rank(predicted: Mapping[str, Any], gold: Mapping[str, Any]) -> int | None:
    if predicted.get("type") != gold.get("type"):
        return None
    mine = _forms(predicted)
    if not mine & _forms(gold, aliases=True):
        return None
    if normalise(predicted.get("label")) == normalise(gold.get("label")):
        return 0
    if mine & _forms(gold):
        return 1
    return 2


def _dicts(items: Any) -> list[dict]:
    return [x for x in items if isinstance(x, dict)] if isinstance(items, list) else []


def _freeze(value: Any) -> Hashable:
    try:
        hash(value)
        return value
    except TypeError:
        return json.dumps(value, sort_keys=True, default=str)


class _Resolver:
    """Maps entity ids of one side onto comparable keys: gold ids when matched."""

    def __init__(self, mapping: Mapping[str, str], side: str):
        self.mapping = mapping
        self.side = side

    def __call__(self, ident: Any) -> Hashable:
        if isinstance(ident, str) and ident in self.mapping:
            return ("gold", self.mapping[ident])
        return (self.side, _freeze(ident))


def _number(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return _freeze(value)


def _fact_key(fact: Mapping[str, Any], resolve: _Resolver) -> Hashable:
    """A fact in comparable form: entity references resolved, literals normalised."""
    predicate = fact.get("predicate")
    subject, obj = resolve(fact.get("subject")), fact.get("object")
    if predicate in SYMMETRIC_PREDICATES:
        ends = sorted([subject, resolve(obj)], key=repr)
        return (predicate, tuple(ends), None)
    if predicate in ENTITY_PREDICATES:
        return (predicate, subject, resolve(obj))
    if predicate == "hasRole" and isinstance(obj, dict):
        org = obj.get("organisation")
        return (
            predicate,
            subject,
            ("role", normalise(obj.get("role")), resolve(org) if org else None),
        )
    if predicate == "fundingAmount" and isinstance(obj, dict):
        currency = obj.get("currency")
        currency = currency.upper() if isinstance(currency, str) else _freeze(currency)
        return (predicate, subject, ("amount", _number(obj.get("amount")), currency))
    if predicate == "participantCount":
        return (predicate, subject, ("count", _number(obj)))
    return (predicate, subject, _freeze(obj))


def _fact_rank(predicted: Hashable, gold: Hashable) -> int | None:
    """None when the predicted fact key does not match the gold one; 0 exact, 1 by precision."""
    if predicted == gold:
        return 0
    p_pred, p_subj, p_obj = predicted  # type: ignore[misc]
    g_pred, g_subj, g_obj = gold  # type: ignore[misc]
    if p_pred != g_pred or p_subj != g_subj:
        return None
    if p_pred in DATE_PREDICATES:
        if isinstance(p_obj, str) and isinstance(g_obj, str) and len(p_obj) > len(g_obj):
            return 1 if p_obj.startswith(g_obj + "-") else None
        return None
    if p_pred == "hasRole" and isinstance(p_obj, tuple) and isinstance(g_obj, tuple):
        # gold without an organisation: the predicted organisation does not matter
        return 1 if g_obj[2] is None and p_obj[1] == g_obj[1] else None
    return None


def _unique(facts: Iterable[dict], resolve: _Resolver) -> list[tuple[Hashable, dict]]:
    seen: dict[Hashable, dict] = {}
    for fact in facts:
        seen.setdefault(_fact_key(fact, resolve), fact)
    return list(seen.items())


def score(predicted: dict, gold: dict) -> DocumentScore:
    """Score one predicted contract document against its gold document."""
    p_entities, g_entities = _dicts(predicted.get("entities")), _dicts(gold.get("entities"))
    pairs = _maximum_matching(p_entities, g_entities, _entity_rank)
    matched_gold = set(pairs.values())
    entity_matches = [
        (str(p_entities[i].get("id")), str(g_entities[j].get("id")))
        for i, j in sorted(pairs.items())
    ]
    mapping = {
        p_entities[i]["id"]: g_entities[j]["id"]
        for i, j in pairs.items()
        if isinstance(p_entities[i].get("id"), str) and isinstance(g_entities[j].get("id"), str)
    }
    entities = Counts(len(pairs), len(p_entities) - len(pairs), len(g_entities) - len(pairs))

    gold_ids = {e["id"]: e["id"] for e in g_entities if isinstance(e.get("id"), str)}
    p_facts = _unique(_dicts(predicted.get("facts")), _Resolver(mapping, "predicted"))
    g_facts = _unique(_dicts(gold.get("facts")), _Resolver(gold_ids, "gold-unknown"))
    fact_pairs = _maximum_matching([k for k, _ in p_facts], [k for k, _ in g_facts], _fact_rank)
    matched_gold_facts = set(fact_pairs.values())
    facts = Counts(len(fact_pairs), len(p_facts) - len(fact_pairs), len(g_facts) - len(fact_pairs))
    return DocumentScore(
        document=str(gold.get("document", predicted.get("document", ""))),
        language=gold.get("language"),
        entities=entities,
        facts=facts,
        entity_matches=entity_matches,
        missed_entities=[e for j, e in enumerate(g_entities) if j not in matched_gold],
        spurious_entities=[e for i, e in enumerate(p_entities) if i not in pairs],
        missed_facts=[f for j, (_, f) in enumerate(g_facts) if j not in matched_gold_facts],
        spurious_facts=[f for i, (_, f) in enumerate(p_facts) if i not in fact_pairs],
    )


# ---------------------------------------------------------------------------- evaluation


@dataclass
class Evaluation:
    """Scores of a set of documents; ``totals`` and ``by_language`` are micro-averaged."""

    documents: list[DocumentScore]

    @property
    def totals(self) -> Totals:
        return sum((d.totals for d in self.documents), Totals())

    @property
    def by_language(self) -> dict[str, Totals]:
        out: dict[str, Totals] = {}
        for doc in self.documents:
            key = doc.language or "?"
            out[key] = out.get(key, Totals()) + doc.totals
        return dict(sorted(out.items()))

    def as_dict(self, details: bool = False) -> dict[str, Any]:
        return {
            "documents": [d.as_dict(details) for d in self.documents],
            "languages": {k: v.as_dict() for k, v in self.by_language.items()},
            "total": self.totals.as_dict(),
        }

    def to_json(self, details: bool = False) -> str:
        """The evaluation as JSON text (per document, per language, total)."""
        return json.dumps(self.as_dict(details), indent=2, ensure_ascii=False)

    def render(self, details: bool = False) -> str:
        """A readable table: documents, then per-language totals, then the overall total."""
        rows: list[tuple[str, str, Counts, Counts]] = [
            (d.document, d.language or "?", d.entities, d.facts) for d in self.documents
        ]
        languages = [
            (f"language {lang} ({t.documents} doc{'s' if t.documents != 1 else ''})", lang, t)
            for lang, t in self.by_language.items()
        ]
        total = self.totals
        total_label = f"total ({total.documents} doc{'s' if total.documents != 1 else ''})"
        width = max([len("document"), len(total_label)] + [len(r[0]) for r in rows])
        width = max([width] + [len(label) for label, _, _ in languages])

        def line(label: str, lang: str, ents: Counts, facts: Counts) -> str:
            return (
                f"{label:<{width}}  {lang:<4}"
                f"  {ents.precision:6.3f} {ents.recall:6.3f} {ents.f1:6.3f}"
                f" {f'{ents.tp}/{ents.fp}/{ents.fn}':>10}"
                f"  {facts.precision:6.3f} {facts.recall:6.3f} {facts.f1:6.3f}"
                f" {f'{facts.tp}/{facts.fp}/{facts.fn}':>10}"
            )

        titles = f"{'':<{width}}  {'':<4}  {'entities':<31}  {'facts':<31}"
        header = (
            f"{'document':<{width}}  {'lang':<4}"
            f"  {'P':>6} {'R':>6} {'F1':>6} {'tp/fp/fn':>10}"
            f"  {'P':>6} {'R':>6} {'F1':>6} {'tp/fp/fn':>10}"
        )
        rule = "-" * len(header)
        out = [titles, header, rule]
        out += [line(*row) for row in rows]
        out.append(rule)
        out += [line(label, lang, t.entities, t.facts) for label, lang, t in languages]
        out.append(rule)
        out.append(line(total_label, "", total.entities, total.facts))
        flawed = [d for d in self.documents if d.problems]
        if flawed:
            out.append("")
            out.append("extractor output that breaks the contract:")
            for doc in flawed:
                out += [f"  {doc.document}: {p}" for p in doc.problems]
        if details:
            for doc in self.documents:
                out += _detail_lines(doc)
        return "\n".join(line.rstrip() for line in out)


def _detail_lines(doc: DocumentScore) -> list[str]:
    lines: list[str] = []
    for title, items in (
        ("missed entities", doc.missed_entities),
        ("spurious entities", doc.spurious_entities),
        ("missed facts", doc.missed_facts),
        ("spurious facts", doc.spurious_facts),
    ):
        if items:
            lines.append(f"  {title}:")
            lines += [f"    {json.dumps(x, ensure_ascii=False, sort_keys=True)}" for x in items]
    return ["", f"{doc.document}:"] + lines if lines else []


def _load_gold(
    gold_dir: Path, texts_dir: Path | None
) -> tuple[list[tuple[Path, dict, str]], list[str]]:
    loaded: list[tuple[Path, dict, str]] = []
    errors: list[str] = []
    files = sorted(gold_dir.glob("*.json"))
    if not files:
        errors.append(f"{gold_dir.name}: no gold files (*.json) in this folder")
    for path in files:
        try:
            gold = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            errors.append(f"{path.name}: not readable JSON ({err})")
            continue
        document = gold.get("document") if isinstance(gold, dict) else None
        if not isinstance(document, str) or not document:
            errors += [f"{path.name}: {p}" for p in problems(gold)]
            continue
        candidates = [path.parent / document]
        if texts_dir is not None:
            candidates.append(Path(texts_dir) / document)
        text_path = next((c for c in candidates if c.is_file()), None)
        if text_path is None:
            where = "next to it" + (f" or in {Path(texts_dir).name}/" if texts_dir else "")
            errors.append(f"{path.name}: text file {document!r} not found {where}")
            continue
        text = read_text(text_path)
        found = problems(gold, text)
        if found:
            errors += [f"{path.name}: {p}" for p in found]
            continue
        loaded.append((path, gold, text))
    return loaded, errors


def evaluate(
    gold_dir: Path,
    extract: Extract,
    texts_dir: Path | None = None,
    *,
    give_language: bool = True,
) -> Evaluation:
    """Run ``extract(text, document_name, language)`` on every gold document and score it.

    Gold files are the ``*.json`` files in ``gold_dir``; each one's text is the file named by
    its ``"document"`` field, next to the gold file or else in ``texts_dir``. Every gold file
    is checked with :func:`~nbkg.extraction.contract.problems` before anything is extracted;
    unreadable or invalid gold files and missing texts raise :class:`GoldError` naming the
    files. ``language`` is the gold language, or None when ``give_language`` is false.
    Contract problems in the extractor's output do not stop the run: they are kept in each
    :class:`DocumentScore`'s ``problems`` and shown by :meth:`Evaluation.render`.
    """
    loaded, errors = _load_gold(Path(gold_dir), texts_dir)
    if errors:
        raise GoldError(errors)
    scores: list[DocumentScore] = []
    for path, gold, text in loaded:
        language = gold["language"] if give_language else None
        predicted = extract(text, gold["document"], language)
        result = score(predicted, gold)
        scores.append(replace(result, gold_file=path.name, problems=problems(predicted, text)))
    return Evaluation(scores)
