"""One pass over a text file's bytes in large blocks: sha256, UTF-8 check, NUL bytes, line count and the empty lines
a CSV reader skips. Nothing here knows the ICO's columns: it is the byte-level half of reading any CSV.

Every test is a C-level bytes method, so a 3 GB file costs about as much as hashing it. Failures are SourceErrors
naming the byte offset and the line.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

from etl.errors import SourceError

CHUNK = 8 * 1024 * 1024
UTF8_HINT = "Save it as 'CSV UTF-8' and build again."


@dataclass
class ByteScan:
    sha256: str
    size: int
    lines: int  # physical lines, counting a last line without a newline
    empty_lines: list[int]  # line numbers of empty lines (DuckDB skips them)


def line_at(path: Path, offset: int) -> int:
    """1-based line holding byte `offset` (only called on the error path)."""
    count = 0
    with open(path, "rb") as fh:
        remaining = offset
        while remaining > 0:
            block = fh.read(min(CHUNK, remaining))
            if not block:
                break
            count += block.count(b"\n")
            remaining -= len(block)
    return count + 1


def scan(path: Path) -> ByteScan:
    """One pass over the bytes: hash, UTF-8 check, NUL bytes, line count and the empty lines DuckDB will skip."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    newlines = 0
    empty: list[int] = []
    offset = 0  # bytes read before `chunk`
    tail = b""  # last two bytes of the previous chunk: an empty line can straddle two chunks
    with open(path, "rb", buffering=0) as fh:
        while True:
            chunk = fh.read(CHUNK)
            if offset == 0:
                if chunk[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
                    raise SourceError(
                        path,
                        "The file is UTF-16 encoded (byte-order mark at byte 0); expected UTF-8",
                        row=1,
                        hint=UTF8_HINT,
                    )
                head = chunk[:4096]
                if head.count(b"\x00") > len(head) // 4:
                    raise SourceError(
                        path,
                        "The file looks UTF-16 encoded (every other byte is NUL); expected UTF-8",
                        row=1,
                        hint=UTF8_HINT,
                    )
            if not chunk:
                break
            digest.update(chunk)
            nul = chunk.find(b"\x00")
            if nul >= 0:
                where = offset + nul
                raise SourceError(
                    path,
                    f"NUL byte at byte offset {where}: the file is binary or truncated, not CSV text",
                    row=line_at(path, where),
                )
            # Pure-ASCII blocks are valid UTF-8: decode only blocks with other bytes (or a character split across).
            pending = decoder.getstate()[0]
            if pending or not chunk.isascii():
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:  # exc.object is the pending bytes + this chunk
                    where = offset - len(pending) + exc.start
                    bad = exc.object[exc.start : exc.start + 4]
                    raise SourceError(
                        path,
                        f"Bytes at offset {where} are not valid UTF-8 (the file may be Latin-1 "
                        "or Windows-1252 encoded)",
                        row=line_at(path, where),
                        value=bad,
                        hint=UTF8_HINT,
                    ) from None
            newlines = empty_lines(chunk, tail, newlines, offset == 0, empty)
            tail = (tail + chunk)[-2:] if len(chunk) < 2 else chunk[-2:]
            offset += len(chunk)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise SourceError(
            path,
            f"The file ends in the middle of a UTF-8 character (byte offset {offset}): it is truncated or not UTF-8",
            row=newlines + 1,
        ) from None
    lines = newlines + (1 if tail and tail[-1:] != b"\n" else 0)
    return ByteScan(digest.hexdigest(), offset, lines, empty)


def empty_lines(chunk: bytes, tail: bytes, lines_before: int, at_start: bool, out: list[int]) -> int:
    """Append the numbers of empty lines starting in `chunk` (a line is empty when it holds nothing, or only '\\r');
    return the count of newlines up to the end of `chunk`. `tail` is the end of the previous chunk."""
    starts_empty = chunk.startswith((b"\n", b"\r\n"))
    if (
        (at_start and starts_empty)
        or (tail.endswith(b"\n") and starts_empty)
        or (tail.endswith(b"\n\r") and chunk.startswith(b"\n"))
    ):
        out.append(lines_before + 1)
    positions = []
    for pattern in (b"\n\n", b"\n\r\n"):
        start = chunk.find(pattern)
        while start >= 0:
            positions.append(start)
            start = chunk.find(pattern, start + 1)
    counted_to, count = 0, lines_before
    for pos in sorted(positions):
        count += chunk.count(b"\n", counted_to, pos + 1)
        counted_to = pos + 1
        out.append(count + 1)  # the empty line follows the newline at `pos`
    return count + chunk.count(b"\n", counted_to)


def lines_without(last: int, skipped: list[int]) -> list[int]:
    skip = set(skipped)
    return [n for n in range(2, last + 1) if n not in skip]


def record_lines(path: Path) -> list[int]:
    """Start line of each non-empty record, for files whose quoted values span lines (rare; slow path)."""
    starts = []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        line_before = 0
        for record in reader:
            if reader.line_num == 1:
                line_before = 1
                continue
            if record:
                starts.append(line_before + 1)
            line_before = reader.line_num
    return starts
