"""The ledger vocabulary (column aliases, case types, stages, groups…) loaded from data, extensible by the user."""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from toolkit.base.text import compact, header_key


def _variants(table: dict) -> dict[str, str]:
    """{canonical: [variants]} → {matching key: canonical} (the canonical name matches itself)."""
    result = {}
    for canonical, variants in table.items():
        for name in [canonical, *variants]:
            result[compact(name)] = canonical
    return result


@dataclass(frozen=True)
class Vocabulary:
    """Every name the ledger reader understands, keyed by its compacted form."""

    column_aliases: dict[str, str]
    case_types: dict[str, str]
    stages: dict[str, str]
    procedures: dict[str, str]
    special_groups: dict[str, str]
    quality: dict[str, str]
    yes: frozenset
    no: frozenset
    criminal_type: str
    criminal_stages: tuple[str, ...]
    required_columns: tuple[str, ...]
    required_fields: tuple[str, ...]
    money_columns: tuple[str, ...]
    date_columns: tuple[str, ...]
    instances: frozenset = frozenset()          # 一审/二审/再审…: an instance word, not a criminal stage
    joiners: tuple[str, ...] = ()               # ignored between type and stage in one cell ("刑事（审判）")
    fill_down: tuple[str, ...] = ()             # label columns whose merged cells belong to every row covered
    not_combined_words: tuple[str, ...] = ()    # sheet names with these words are not combined into the ledger
    parsers: dict = field(default_factory=dict)        # column → how its cells are read (ledger_checks.PARSERS)
    empty_values: dict = field(default_factory=dict)   # column → what an empty cell counts as
    checks: tuple = ()                                 # the [[checks]] rows, in order (ledger_checks.load_checks)
    check_texts: dict = field(default_factory=dict)    # pieces of the checks' messages

    def with_aliases(self, extra: dict[str, str]) -> "Vocabulary":
        """A copy that also knows the user's own column names ({their header: canonical column})."""
        aliases = dict(self.column_aliases)
        for theirs, canonical in extra.items():
            if canonical in set(self.column_aliases.values()):
                aliases[header_key(theirs)] = canonical
        return Vocabulary(**{**self.__dict__, "column_aliases": aliases})

    @property
    def canonical_columns(self) -> list[str]:
        return list(dict.fromkeys(self.column_aliases.values()))


def type_and_stage(vocab: Vocabulary, raw) -> tuple[str, str | None, str] | None:
    """A case-type cell that also names the stage or instance ('刑事审判阶段', '刑事（审查起诉）', '民事一审') →
    (case type, canonical stage or None, the stage/instance words as written); None if it is not of that shape."""
    text = compact(raw)
    for joiner in vocab.joiners:
        text = text.replace(joiner, " ")
    text = text.replace(" ", "")
    best = None
    for key, case_type in vocab.case_types.items():
        if key and text.startswith(key) and len(text) > len(key) and (best is None or len(key) > len(best[0])):
            best = (key, case_type)
    if best is None:
        return None
    rest = text[len(best[0]):]
    if best[1] == vocab.criminal_type:
        stage = vocab.stages.get(rest)
        return (best[1], stage, rest) if stage else None
    if rest in vocab.instances:
        return best[1], None, rest
    return None


def lookup(mapping: dict[str, str], raw) -> str | None:
    """The canonical name for a raw cell value, or None."""
    return mapping.get(compact(raw))


def suggest(mapping: dict[str, str], raw) -> str | None:
    """The closest canonical name for a typo ('民亊' → '民事'), or None."""
    close = difflib.get_close_matches(compact(raw), list(mapping), n=1, cutoff=0.5)
    return mapping[close[0]] if close else None


@lru_cache(maxsize=1)
def default_vocabulary() -> Vocabulary:
    """The shipped vocabulary (toolkit/data/ledger.toml)."""
    data = tomllib.loads(resources.files("toolkit.data").joinpath("ledger.toml").read_text(encoding="utf-8"))
    aliases = {}
    for canonical, names in data["columns"].items():
        for name in [canonical, *names]:
            aliases[header_key(name)] = canonical
    return Vocabulary(
        column_aliases=aliases,
        case_types=_variants(data["case_types"]),
        stages=_variants(data["stages"]),
        procedures=_variants(data["procedures"]),
        special_groups=_variants(data["special_groups"]),
        quality=_variants(data["quality"]),
        yes=frozenset(compact(v) for v in data["yes_no"]["yes"]),
        no=frozenset(compact(v) for v in data["yes_no"]["no"]),
        criminal_type=data["criminal"]["type"],
        criminal_stages=tuple(data["criminal"]["stages"]),
        required_columns=tuple(data["required"]["columns"]),
        required_fields=tuple(data["required"]["fields"]),
        money_columns=tuple(data["money_columns"]["names"]),
        date_columns=tuple(data["date_columns"]["names"]),
        instances=frozenset(compact(v) for v in data["instances"]["words"]),
        joiners=tuple(data["combined"]["joiners"]),
        fill_down=tuple(data["merged"]["fill_down"]),
        not_combined_words=tuple(data["sheets"]["not_combined_words"]),
        parsers=dict(data["parsers"]),
        empty_values=dict(data["empty_values"]),
        checks=tuple(data["checks"]),
        check_texts=dict(data["check_texts"]),
    )
