"""Findings: what a check found, where, and what it means, in Chinese."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from toolkit.errors import place_text

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

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABEL[self.severity]

    def location(self) -> str:
        return place_text(self.file, self.sheet, self.row, self.column)

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items()}
