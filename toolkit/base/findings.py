"""Findings: what a check found, where, and what it means, in Chinese."""

from __future__ import annotations

import operator
import re
from dataclasses import asdict, dataclass, replace

from toolkit.base.errors import place_text
from toolkit.base.idcard import mask_text
from toolkit.base.text import compact

_QUOTED = re.compile(r"“([^“”]*)”")

ERROR = "error"
WARNING = "warning"
SEVERITY_LABEL = {ERROR: "错误", WARNING: "警告"}


@dataclass(frozen=True)
class Finding:
    """One problem found in an input: severity, place, value and a Chinese message."""

    severity: str          # ERROR or WARNING
    message: str           # Simplified Chinese, complete on its own
    sheet: str | None = None
    row: int | None = None      # 1-based Excel row number
    column: str | None = None   # the column's header as the user wrote it (or a cell reference)
    value: str | None = None    # the offending value as text (ID numbers masked)
    file: str | None = None

    def __post_init__(self):   # ID numbers never leave a finding unmasked, whatever column they were typed in
        if self.row is not None and self.row.__class__ is not int:
            object.__setattr__(self, "row", operator.index(self.row))   # a numpy integer is not JSON
        for name in ("message", "value", "column", "sheet"):
            text = getattr(self, name)
            masked = mask_text(text)
            if masked is not text:
                object.__setattr__(self, name, masked)

    def anonymous(self) -> "Finding":
        """The finding without the cell's content (for statistics outputs, which hold no personal data): the value
        is dropped and where the message quotes it, it reads “（内容略）”."""
        if self.value is None or self.value == "":
            return self
        key = compact(self.value)
        message = _QUOTED.sub(lambda m: "“（内容略）”" if compact(m.group(1)) == key else m.group(0), self.message)
        return replace(self, value=None, message=message)

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABEL[self.severity]

    def location(self) -> str:
        return place_text(self.file, self.sheet, self.row, self.column)

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items()}
