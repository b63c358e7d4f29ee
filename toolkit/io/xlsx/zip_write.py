"""Writing a zip package (.xlsx/.xlsm) member by member: unchanged members are copied as they were stored,
big members are deflated on two threads.

Python's zipfile recompresses everything it writes, one thread at a time; for a 100,000-row sheet that is the
slowest part of saving. A deflate stream may be cut into pieces compressed independently, each ended on a byte
boundary (a sync flush) and the last closed by an empty final block: any inflater reads the joined pieces as
one stream (pigz works this way). Sizes above 4 GB (zip64) are refused: Excel cannot open such a workbook.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections import deque
from concurrent.futures import ThreadPoolExecutor

try:   # ISA-L: the same deflate format, 3-4x quicker at level 1 (and quicker to inflate); zlib where it is missing
    from isal import isal_zlib as _quick
except ImportError:   # the optional extra `fast` (no 32-bit Windows or Pyodide build): plain zlib
    _quick = zlib

_LOCAL = struct.Struct("<4s5H3L2H")
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_END = struct.Struct("<4s4H2LH")
_LIMIT = 0xFFFFFFFF
_UTF8 = 0x800
CHUNK = 4 << 20   # bytes of uncompressed data per independently deflated piece


class Redo(Exception):
    """Raised by the pieces of a write_attempts try that turns out wrong: the try is undone, the next one written."""


def _dos_time(date_time) -> tuple[int, int]:
    y, mo, d, h, mi, s = date_time
    return (h << 11) | (mi << 5) | (s // 2), ((max(y, 1980) - 1980) << 9) | (mo << 5) | d


def _deflate_piece(data: bytes, level: int) -> bytes:
    if level == 1:   # the big members' level: ISA-L's level 1 (as quick as a copy, no bigger than zlib's)
        c = _quick.compressobj(1, _quick.DEFLATED, -15)
        return c.compress(data) + c.flush(_quick.Z_SYNC_FLUSH)
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(zlib.Z_SYNC_FLUSH)


def _inflate(inflater, info: zipfile.ZipInfo, data: bytes | None, size: int) -> bytes:
    """inflater.decompress(data, size) (flush() for None), a broken stream raised as zipfile.BadZipFile."""
    try:
        return inflater.flush() if data is None else inflater.decompress(data, size)
    except Exception as e:   # zlib.error, isal's IsalError
        raise zipfile.BadZipFile(f"{info.filename}: {e}") from None


def _data_offset(source: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    """Where a member's stored bytes start in `source`'s file (after its local header)."""
    fp = source.fp
    fp.seek(info.header_offset)
    head = fp.read(_LOCAL.size)
    if head[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"bad local header for {info.filename}")
    name_len, extra_len = struct.unpack("<2H", head[26:30])
    return info.header_offset + _LOCAL.size + name_len + extra_len


def inflated(source: zipfile.ZipFile, info: zipfile.ZipInfo, size: int):
    """The bytes of a member of `source`, at most `size` at a time, inflated with ISA-L where it is there (else as
    zipfile reads them); its CRC and length checked at the end (zipfile.BadZipFile if wrong)."""
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or info.flag_bits & 1 or _quick is zlib:
        with source.open(info) as f:
            while block := f.read(size):
                yield block
        return
    fp = source.fp
    pos = _data_offset(source, info)
    left = info.compress_size
    inflater = _quick.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    crc = length = 0
    while True:
        if inflater is not None and inflater.unconsumed_tail:
            block = _inflate(inflater, info, inflater.unconsumed_tail, size)
        elif left and not (inflater is not None and inflater.eof):
            fp.seek(pos)   # (the file may have been read elsewhere in between)
            data = fp.read(min(left, 1 << 18 if inflater is not None else size))
            if not data:
                raise zipfile.BadZipFile(f"truncated member {info.filename}")
            pos += len(data)
            left -= len(data)
            block = data if inflater is None else _inflate(inflater, info, data, size)
        else:   # all read: what the inflater still holds (ISA-L keeps output back), then its flush
            block = b"" if inflater is None else _inflate(inflater, info, b"", size) or _inflate(inflater, info, None, 0)
            if not block:
                break
        if block:
            crc = _quick.crc32(block, crc)
            length += len(block)
            yield block
    if crc != info.CRC or length != info.file_size:
        raise zipfile.BadZipFile(f"Bad CRC-32 for file {info.filename!r}")


class ZipWriter:
    """Members written one after the other into a seekable binary file; close() writes the directory."""

    def __init__(self, fh):
        self.fh = fh
        self.entries: list[tuple] = []
        self._pool: ThreadPoolExecutor | None = None

    def _header(self, name: bytes, flags: int, method: int, date_time, crc: int, csize: int, size: int) -> None:
        offset = self.fh.tell()
        if max(offset, csize, size) >= _LIMIT:
            raise OverflowError("workbook part larger than 4 GB")
        t, d = _dos_time(date_time)
        self.fh.write(_LOCAL.pack(b"PK\x03\x04", 20, flags, method, t, d, crc, csize, size, len(name), 0) + name)
        return offset

    def copy(self, source: zipfile.ZipFile, info: zipfile.ZipInfo, external_attr: int | None = None) -> None:
        """A member of another zip, copied as stored (no inflate, no deflate)."""
        fp = source.fp
        fp.seek(_data_offset(source, info))
        data = fp.read(info.compress_size)
        name = info.filename.encode("utf-8")
        flags = info.flag_bits & ~0x08 & ~_UTF8 | (0 if name.isascii() else _UTF8)   # sizes are in the header
        offset = self._header(name, flags, info.compress_type, info.date_time, info.CRC, len(data), info.file_size)
        self.fh.write(data)
        self.entries.append((name, flags, info.compress_type, info.date_time, info.CRC, len(data), info.file_size,
                             offset, info.external_attr if external_attr is None else external_attr))

    def write(self, name: str, data: bytes, date_time, external_attr: int, level: int = 6,
              method: int = zipfile.ZIP_DEFLATED) -> None:
        """A member from bytes, deflated at `level` (or stored)."""
        if len(data) >= CHUNK:
            self.write_pieces(name, [data], date_time, external_attr, level, method)
            return
        encoded = name.encode("utf-8")
        flags = 0 if encoded.isascii() else _UTF8
        stored = data
        if method == zipfile.ZIP_DEFLATED:
            c = zlib.compressobj(level, zlib.DEFLATED, -15)
            stored = c.compress(data) + c.flush()
        crc = zlib.crc32(data)
        offset = self._header(encoded, flags, method, date_time, crc, len(stored), len(data))
        self.fh.write(stored)
        self.entries.append((encoded, flags, method, date_time, crc, len(stored), len(data), offset, external_attr))

    def write_pieces(self, name: str, pieces, date_time, external_attr: int, level: int = 1,
                     method: int = zipfile.ZIP_DEFLATED) -> None:
        """A member from an iterable of bytes-like pieces, never joined whole: ~4 MB at a time is deflated on a
        worker thread while the next is gathered (zlib lets go of the GIL)."""
        encoded = name.encode("utf-8")
        flags = 0 if encoded.isascii() else _UTF8
        offset = self._header(encoded, flags, method, date_time, 0, 0, 0)
        crc = size = csize = 0
        pending: deque = deque()
        if method == zipfile.ZIP_DEFLATED and self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="deflate")

        def put(data: bytes) -> None:
            nonlocal crc, size, csize
            crc = _quick.crc32(data, crc)
            size += len(data)
            if method != zipfile.ZIP_DEFLATED:
                self.fh.write(data)
                csize += len(data)
                return
            pending.append(self._pool.submit(_deflate_piece, data, level))
            while pending and (pending[0].done() or len(pending) > 3):
                out = pending.popleft().result()
                self.fh.write(out)
                csize += len(out)

        batch, batch_size = [], 0
        for piece in pieces:
            batch.append(piece)
            batch_size += len(piece)
            if batch_size >= CHUNK:
                put(b"".join(batch))
                batch, batch_size = [], 0
        if batch:
            put(b"".join(batch))
        if method == zipfile.ZIP_DEFLATED:
            while pending:
                out = pending.popleft().result()
                self.fh.write(out)
                csize += len(out)
            final = zlib.compressobj(level, zlib.DEFLATED, -15).flush()   # an empty last block ends the stream
            self.fh.write(final)
            csize += len(final)
        end = self.fh.tell()
        if max(size, csize) >= _LIMIT:
            raise OverflowError("workbook part larger than 4 GB")
        self.fh.seek(offset + 14)
        self.fh.write(struct.pack("<3L", crc, csize, size))
        self.fh.seek(end)
        self.entries.append((encoded, flags, method, date_time, crc, csize, size, offset, external_attr))

    def write_attempts(self, name: str, attempts, date_time, external_attr: int, level: int = 1,
                       method: int = zipfile.ZIP_DEFLATED) -> None:
        """write_pieces of the first of `attempts` (iterables of pieces) that runs to its end: one whose pieces
        raise Redo is cut off the file again, and the next is written in its place."""
        for pieces in attempts:
            start = self.fh.tell()
            try:
                self.write_pieces(name, pieces, date_time, external_attr, level, method)
                return
            except Redo:
                self.fh.seek(start)
                self.fh.truncate()
        raise RuntimeError(f"no attempt at {name} ran to its end")

    def shutdown(self) -> None:
        """Stop the deflate threads (close() does it; call it too when a write failed half way)."""
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def close(self) -> None:
        """Write the central directory and the end record."""
        self.shutdown()
        start = self.fh.tell()
        for name, flags, method, date_time, crc, csize, size, offset, attr in self.entries:
            t, d = _dos_time(date_time)
            self.fh.write(_CENTRAL.pack(b"PK\x01\x02", (3 << 8) | 20, 20, flags, method, t, d, crc, csize, size,
                                        len(name), 0, 0, 0, 0, attr & 0xFFFFFFFF, offset) + name)
        length = self.fh.tell() - start
        if start >= _LIMIT or len(self.entries) >= 0xFFFF:
            raise OverflowError("workbook too large for a zip without zip64")
        self.fh.write(_END.pack(b"PK\x05\x06", 0, 0, len(self.entries), len(self.entries), length, start, 0))
