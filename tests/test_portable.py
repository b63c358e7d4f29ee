"""The repository works from any folder: no file refers to a path on the developer's machine."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEXT_SUFFIXES = {".py", ".cfg", ".toml", ".ini", ".txt", ".md", ".bas", ".xml", ".json", ".sh", ".yml", ".yaml", ""}
# Paths of a Linux or Mac machine's own folders, a virtual environment's site-packages, or a Windows user folder with
# a real (ASCII) user name. Examples for users are written with placeholders (C:\legalaid, /Users/用户名/…).
ABSOLUTE = re.compile(
    r"(?<![\w.~$})])/(?:work|home|root|tmp|opt|usr|var|mnt|srv|private)/[\w.-]"
    r"|site-packages[/\\]"
    r"|(?<![\w])[A-Za-z]:\\\\?(?:Users|Documents and Settings)\\\\?[A-Za-z0-9_.-]+\\"
    r"|/Users/[A-Za-z0-9_.-]+/"
)
# Documentation of throw-away output folders for benchmark runs: the user picks the folder.
ALLOWED = {("benchmarks/README.md", "~tmp~bench".replace("~", "/"))}


def _ours(parts: tuple[str, ...]) -> bool:
    """A file of the project, not of a tool run in it (venv, caches of pytest and hypothesis, egg-info, outputs)."""
    return not any((p.startswith(".") and p != ".ci") or p in ("__pycache__", "out") or p.endswith(".egg-info")
                   for p in parts)


def tracked_files() -> list[Path]:
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
        names = [n for n in out.decode("utf-8").split("\0") if n]
    except (OSError, subprocess.CalledProcessError):   # a copy without git (.ci/run, a downloaded zip)
        names = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if p.is_file() and _ours(p.relative_to(ROOT).parts)]
    return [ROOT / n for n in names if (ROOT / n).suffix.lower() in TEXT_SUFFIXES and (ROOT / n).is_file()]


def absolute_paths(text: str, name: str, checkout: str) -> list[str]:
    hits = []
    for number, line in enumerate(text.splitlines(), start=1):
        if number == 1 and line.startswith("#!"):   # a script's interpreter line
            continue
        for m in ABSOLUTE.finditer(line):
            if not any(name == n and line[m.start():].startswith(p) for n, p in ALLOWED):
                hits.append(f"{name}:{number}: {line.strip()[:120]}")
        if checkout in line:
            hits.append(f"{name}:{number}: {line.strip()[:120]}")
    return hits


def test_no_file_refers_to_a_path_on_this_machine():
    files = tracked_files()
    assert len(files) > 50 and any(p.name == "main.py" and p.parent.name == "cli" for p in files)
    hits = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        hits += absolute_paths(text, path.relative_to(ROOT).as_posix(), str(ROOT))
    assert not hits, "absolute paths (use Path(__file__).parent, tmp_path or the installed package):\n" + "\n".join(hits)


# The offending examples are assembled from pieces ("~" stands for "/") so that this file passes its own test.
@pytest.mark.parametrize("line, found", [
    ('VBA = Path("~work~main~.venv~lib~python3.11~site-packages~xlwings~x.xlsm")'.replace("~", "/"), True),
    ('p = "~home~felix~data~台账.xlsx"'.replace("~", "/"), True),
    ('"C:~~Users~~felix~~Dev~~x"'.replace("~", "\\"), True),
    ("C:~Users~felix~Dev~xlwings".replace("~", "\\"), True),
    ('"~Users~felix~legalaid~.venv~bin~python"'.replace("~", "/"), True),
    ("#!~usr~bin~env bash".replace("~", "/"), False),
    ('"/Users/用户名/legalaid/.venv/bin/python"', False),     # a placeholder for the user
    (r'"C:\\legalaid\\.venv\\Scripts\\python.exe"', False),
    (r"C:\Users\用户名\miniconda3", False),
    ("Path(__file__).parent / 'data'", False),
    ("https://example.org/home/page", False),
    ("tmp_path / 'out/x.xlsx'", False),
])
def test_the_pattern(line, found):
    assert bool(absolute_paths(line, "x.py", "/nowhere-checkout")) == found
