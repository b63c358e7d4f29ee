"""tests/addin/ runs in its own pytest process (tests/test_addin_mode.py) with the xlwings PRO key, like tests/server/:
xw.Book(json=…) stands for the workbook that is active when a ribbon button of the add-in is pressed."""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "server"))   # remote_book: payloads and the replay of returned actions
