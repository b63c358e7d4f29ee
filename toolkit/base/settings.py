"""A job's settings as both shells hand them over: raw values (the CLI's strings, the 参数 sheet's cells as Excel
delivers them) and where each came from (a CLI option, a 参数 row, a defined name), for the error message."""

from __future__ import annotations

from typing import Mapping

from toolkit.base.errors import InputError
from toolkit.base.text import clean_text


class RawSettings:
    """The raw values of one job's settings; blank means the default."""

    def __init__(self, raw: Mapping[str, object], where: Mapping[str, str] | None = None):
        self.raw, self.where = raw, where or {}

    def given(self, key: str) -> bool:
        """Whether the setting holds something other than blanks."""
        return self.raw.get(key) is not None and clean_text(self.raw[key]) != ""

    def error(self, key: str, message: str) -> InputError:
        """An InputError naming where the setting came from (if known)."""
        place = self.where.get(key)
        return InputError(f"{place}：{message}" if place else message)
