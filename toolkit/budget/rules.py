"""The default rule set of the budget checks (toolkit/data/budget_rules.toml): items and the labels they go by,
identities, the balance of side-by-side tables, cross-table measures and scopes, change-rate columns, tolerances."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from importlib import resources

from toolkit.budget.labels import normalize


@dataclass(frozen=True)
class Identity:
    """result = Σ plus − Σ minus; optional items join when present in the same context and are left out otherwise."""

    name: str
    result: str
    plus: tuple[str, ...]
    minus: tuple[str, ...] = ()
    optional_plus: tuple[str, ...] = ()
    optional_minus: tuple[str, ...] = ()


@dataclass(frozen=True)
class RatioIdentity:
    """result = numerator ÷ denominator; the denominator is looked for under each of its labels in turn."""

    name: str
    result: str
    numerator: str
    denominator: str
    denominator_names: tuple[str, ...]     # normalized labels of the denominator item, in the order tried


@dataclass
class RuleSet:
    items: dict[str, dict]
    identities: list[Identity | RatioIdentity]
    balance: dict
    cross: dict
    unit_factor: Decimal
    unit_slip_relative: Decimal
    change_rate: dict = field(default_factory=dict)
    name_index: dict[str, str] = field(default_factory=dict)
    code_index: dict[str, str] = field(default_factory=dict)
    plausible: dict = field(default_factory=dict)      # [unit_plausibility]: the smallest believable 元 table
    rounding: dict = field(default_factory=dict)       # [rounding]: how far rounding tails (尾差) may go

    def item_of(self, name: str, code: str | None) -> str | None:
        if code and code in self.code_index:
            return self.code_index[code]
        return self.name_index.get(name)


@lru_cache(maxsize=1)
def default_rules_text() -> str:
    """toolkit/data/budget_rules.toml as text (read once)."""
    return resources.files("toolkit").joinpath("data/budget_rules.toml").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def rounding_spec() -> dict:
    """The [rounding] section of the default rules (read once)."""
    return tomllib.loads(default_rules_text()).get("rounding", {})


_LINEAR_KEYS = ("plus", "minus", "optional_plus", "optional_minus")


def parse_identity(spec: dict, items: dict[str, dict]) -> Identity | RatioIdentity:
    """One [[identity]] table as a typed identity; an unknown kind or item is an error in the rule file."""
    name = spec.get("name") or "（未命名）"
    kind = spec.get("kind", "linear")
    if kind not in ("linear", "ratio"):
        raise ValueError(f"预算规则文件中的恒等式“{name}”：kind 只能是 linear 或 ratio，实为“{kind}”。")
    keys = ("result", "numerator", "denominator") if kind == "ratio" else ("result", "plus")
    missing = [k for k in keys if not spec.get(k)]
    if missing:
        raise ValueError(f"预算规则文件中的恒等式“{name}”缺少 {'、'.join(missing)}。")
    named = [spec[k] for k in keys if isinstance(spec[k], str)] + \
        [x for k in _LINEAR_KEYS if kind == "linear" for x in spec.get(k, [])]
    unknown = [x for x in named if x not in items]
    if unknown:
        raise ValueError(f"预算规则文件中的恒等式“{name}”用到的项目“{'、'.join(unknown)}”不在 [items] 中。")
    if kind == "ratio":
        den = spec["denominator"]
        return RatioIdentity(name, spec["result"], spec["numerator"], den,
                             tuple(normalize(n) for n in items[den].get("names", [])))
    return Identity(name, spec["result"], *(tuple(spec.get(k, [])) for k in _LINEAR_KEYS))


def load_rules(text: str | None = None) -> RuleSet:
    """The default rule set (toolkit/data/budget_rules.toml), or one given as TOML text; identities are parsed
    into typed objects here, once."""
    data = tomllib.loads(default_rules_text() if text is None else text)
    items = data.get("items", {})
    rules = RuleSet(items, [parse_identity(spec, items) for spec in data.get("identity", [])],
                    data.get("balance", {}),
                    data.get("cross_table", {}), Decimal(str(data.get("tolerance", {}).get("unit_factor", 10000))),
                    Decimal(str(data.get("tolerance", {}).get("unit_slip_relative", "0.002"))),
                    data.get("change_rate", {}))
    rules.plausible = data.get("unit_plausibility", {})
    rules.rounding = data.get("rounding", {})
    for item, spec in rules.items.items():
        for name in spec.get("names", []):
            rules.name_index[normalize(name)] = item
        for code in spec.get("codes", []):
            rules.code_index[code] = item
    return rules
