"""[MS-OVBA] 2.4.1 compression and decompression (the RLE-like codec of VBA module and dir streams).

Written from the specification. A CompressedContainer is a signature byte 0x01 followed by chunks;
each chunk holds up to 4096 decompressed bytes, either as tokens (flag byte + 8 literal/copy tokens)
or raw (4096 bytes, padded with 0x00 per 2.4.1.3.10 when the last chunk does not compress).
"""

from __future__ import annotations

CHUNK_SIZE = 4096
_SIGNATURE = 0x01
_CHUNK_SIGNATURE = 0b011


class OvbaError(ValueError):
    """A compressed container that does not follow [MS-OVBA] 2.4.1."""


def _copy_token_help(difference: int) -> tuple[int, int, int]:
    """Return (bit_count, length_mask, maximum_length) for a position `difference` bytes into a chunk."""
    bit_count = 4
    while (1 << bit_count) < difference:
        bit_count += 1
    length_mask = 0xFFFF >> bit_count
    return bit_count, length_mask, length_mask + 3


def _compress_chunk(data: bytes, start: int, end: int) -> bytes:
    """Token sequences for data[start:end] (one chunk), matching only within the chunk."""
    out = bytearray()
    positions: dict[bytes, list[int]] = {}  # 3-byte prefix -> earlier positions in this chunk

    def remember(pos: int) -> None:
        if pos + 3 <= end:
            positions.setdefault(data[pos:pos + 3], []).append(pos)

    current = start
    while current < end:
        flag_index = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if current >= end:
                break
            bit_count, _, max_length = _copy_token_help(current - start)
            best_length, best_offset = 0, 0
            limit = min(max_length, end - current)
            if limit >= 3:
                for candidate in reversed(positions.get(data[current:current + 3], ())):
                    length = 3
                    while length < limit and data[candidate + length] == data[current + length]:
                        length += 1
                    if length > best_length:
                        best_length, best_offset = length, current - candidate
                        if length == limit:
                            break
            if best_length >= 3:
                token = ((best_offset - 1) << (16 - bit_count)) | (best_length - 3)
                out += token.to_bytes(2, "little")
                flags |= 1 << bit
                for pos in range(current, current + best_length):
                    remember(pos)
                current += best_length
            else:
                out.append(data[current])
                remember(current)
                current += 1
        out[flag_index] = flags
    return bytes(out)


def compress(data: bytes) -> bytes:
    """Compress `data` into an [MS-OVBA] CompressedContainer."""
    data = bytes(data)
    out = bytearray([_SIGNATURE])
    for start in range(0, len(data), CHUNK_SIZE):
        end = min(start + CHUNK_SIZE, len(data))
        body = _compress_chunk(data, start, end)
        if len(body) <= CHUNK_SIZE:
            header = (len(body) + 2 - 3) | (_CHUNK_SIGNATURE << 12) | 0x8000
        else:  # incompressible: raw chunk of exactly 4096 bytes
            body = data[start:end] + b"\x00" * (CHUNK_SIZE - (end - start))
            header = (CHUNK_SIZE + 2 - 3) | (_CHUNK_SIGNATURE << 12)
        out += header.to_bytes(2, "little") + body
    return bytes(out)


def decompress(container: bytes) -> bytes:
    """Decompress an [MS-OVBA] CompressedContainer; raises OvbaError on malformed input."""
    container = bytes(container)
    if not container or container[0] != _SIGNATURE:
        raise OvbaError("compressed container does not start with signature byte 0x01")
    out = bytearray()
    pos = 1
    while pos < len(container):
        if pos + 2 > len(container):
            raise OvbaError(f"truncated chunk header at offset {pos}")
        header = int.from_bytes(container[pos:pos + 2], "little")
        size = (header & 0x0FFF) + 3
        if (header >> 12) & 0b111 != _CHUNK_SIGNATURE:
            raise OvbaError(f"bad chunk signature at offset {pos}")
        chunk_end = min(pos + size, len(container))
        pos += 2
        chunk_start = len(out)
        if not header & 0x8000:
            if size != CHUNK_SIZE + 2:
                raise OvbaError(f"raw chunk with size {size} at offset {pos - 2}")
            out += container[pos:pos + CHUNK_SIZE]
            pos += CHUNK_SIZE
            continue
        while pos < chunk_end:
            flags = container[pos]
            pos += 1
            for bit in range(8):
                if pos >= chunk_end:
                    break
                if not flags & (1 << bit):
                    out.append(container[pos])
                    pos += 1
                    continue
                if pos + 2 > chunk_end:
                    raise OvbaError(f"truncated copy token at offset {pos}")
                token = int.from_bytes(container[pos:pos + 2], "little")
                pos += 2
                bit_count, length_mask, _ = _copy_token_help(len(out) - chunk_start)
                length = (token & length_mask) + 3
                offset = (token >> (16 - bit_count)) + 1
                source = len(out) - offset
                if source < chunk_start:
                    raise OvbaError(f"copy token reaches before its chunk at offset {pos - 2}")
                for i in range(length):  # byte by byte: source and destination may overlap
                    out.append(out[source + i])
    return bytes(out)
