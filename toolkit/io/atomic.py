"""Atomic file output: write a temp file in the target folder, then os.replace it into place."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

# temp names carry the writer's process id: .<name>.<pid>.<random>.tmp files, .legalaid-<pid>-<random> folders
_STALE_FILE = re.compile(r"^\..+\.(\d+)\.[^.]+\.tmp$")
_STALE_DIR = re.compile(r"^\.legalaid-(\d+)-")
_STALE_AGE = 24 * 3600   # where a process cannot be asked whether it is alive (Windows), age decides


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":       # os.kill(pid, 0) would signal it there; fall back to the age of the file
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def clean_stale(folder) -> int:
    """Remove temp files and folders a killed earlier run left in `folder` (their writer is gone, or, where that
    cannot be known, they are a day old). Returns how many were removed; never raises."""
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    now = time.time()
    for entry in entries:
        m = _STALE_FILE.match(entry.name) or _STALE_DIR.match(entry.name)
        if not m:
            continue
        try:
            old = now - entry.stat(follow_symlinks=False).st_mtime > _STALE_AGE
            if _alive(int(m.group(1))) and not old:
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
            removed += 1
        except (OSError, ValueError):
            continue
    return removed


def temp_dir(folder):
    """A temporary folder inside `folder` (removed when the block ends; cleaned by a later run if killed)."""
    clean_stale(folder)
    return tempfile.TemporaryDirectory(dir=folder, prefix=f".legalaid-{os.getpid()}-")


@contextlib.contextmanager
def atomic_write(path, durable: bool = True):
    """Yield a binary file object; on success it replaces `path`, on any error nothing is left behind.

    durable=False skips the fsync and the stale-file sweep, for a batch of many files in one folder that sweeps once
    before and syncs once after (os.sync): the file under the final name is still never half-written."""
    target = Path(path)
    if durable:
        clean_stale(target.parent or ".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=target.parent or ".")
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_bytes_atomic(path, data: bytes, durable: bool = True) -> None:
    """Write `data` to `path` atomically (see atomic_write for `durable`)."""
    with atomic_write(path, durable) as f:
        f.write(data)
