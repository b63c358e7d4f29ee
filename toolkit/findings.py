"""Findings: what a check found, where, and what it means, in Chinese."""

from __future__ import annotations

from dataclasses import asdict, dataclass

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
        parts = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"“{self.sheet}”")
        if self.row:
            parts.append(f"第{self.row}行")
        if self.column:
            parts.append(f"“{self.column}”列")
        return " ".join(parts)

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items()}
