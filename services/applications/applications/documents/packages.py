"""Word packages (DOCX) as uploads: no active content, and a bounded expansion.

A DOCX is a zip whose central directory is written by whoever sent it. Its sizes serve only to refuse early:
every part is then inflated here from its local header, in chunks, counting the bytes that really come out and
stopping at the first limit crossed. Nothing is written anywhere; the output is discarded but for
`[Content_Types].xml`, which is parsed for the types it declares.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterator
from urllib.parse import unquote
from xml.parsers import expat

from ..config import ExpansionLimits
from .errors import ActiveContent, DocumentExpandsTooMuch, UnsupportedDocumentType

CONTENT_TYPES = "[content_types].xml"
MAIN_DOCUMENT = "word/document.xml"
LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")
CHUNK = 64 * 1024
RATIO_FLOOR = 1024 * 1024
"""Parts that inflate to less than this are not held to the ratio (small XML parts compress well, harmlessly)."""
MAX_CONTENT_TYPES = 1024 * 1024
ACTIVE_MARKERS = {"vbaproject": "macros", "vbadata": "macros", "macroenabled": "macros", "activex": "ActiveX controls",
                  "oleobject": "OLE objects"}
"""Found in a part name or a declared content type (lower case), each refuses the package."""


def part_name(name: str) -> str:
    """A zip entry's name as Office resolves it: case-insensitive, percent-decoded, `/`-separated, no leading `/`."""
    return unquote(name).replace("\\", "/").lstrip("/").lower()


def is_word_package(content: bytes) -> bool:
    """A zip with `[Content_Types].xml` and `word/document.xml` (reads the directory only, never inflates)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            names = {part_name(n) for n in package.namelist()}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        return False
    return CONTENT_TYPES in names and MAIN_DOCUMENT in names


def inspect_word_package(content: bytes, limits: ExpansionLimits) -> None:
    """Refuse a Word package with active content, or that inflates beyond `limits`; return if it is neither."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            entries = package.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise UnsupportedDocumentType("the DOCX package cannot be read") from None
    if len(entries) > limits.max_entries:
        raise DocumentExpandsTooMuch(f"a DOCX may hold at most {limits.max_entries} parts; this one has {len(entries)}")
    names = [part_name(e.filename) for e in entries]
    if len(set(names)) != len(names):
        raise UnsupportedDocumentType("the DOCX package names a part twice")
    _refuse_active(names)
    if sum(e.file_size for e in entries) > limits.max_total:
        raise DocumentExpandsTooMuch(f"a DOCX may inflate to at most {limits.max_total} bytes")
    total, types = 0, b""
    for entry, name in zip(entries, names, strict=True):
        keep = name == CONTENT_TYPES
        size, kept = _inflate(content, entry, limits, limits.max_total - total, keep)
        total += size
        if keep:
            types = kept
    _refuse_active(_declared_types(types))


def _refuse_active(values: list[str]) -> None:
    for value in values:
        lowered = value.lower()
        for marker, what in ACTIVE_MARKERS.items():
            if marker in lowered:
                raise ActiveContent(f"documents with {what} are not accepted; save it as a plain .docx or a PDF")


def _inflate(content: bytes, entry: zipfile.ZipInfo, limits: ExpansionLimits, budget: int,
             keep: bool) -> tuple[int, bytes]:
    """The size one part really inflates to (and its bytes if `keep`), refused as soon as a limit is crossed."""
    if entry.file_size > RATIO_FLOOR and entry.file_size > limits.max_ratio * max(entry.compress_size, 1):
        raise _too_far(entry, limits)
    compressed = _compressed_bytes(content, entry)
    size, crc, kept = 0, 0, bytearray()
    for chunk in _chunks(compressed, entry):
        size += len(chunk)
        if size > budget:
            raise DocumentExpandsTooMuch(f"a DOCX may inflate to at most {limits.max_total} bytes")
        if size > RATIO_FLOOR and size > limits.max_ratio * max(len(compressed), 1):
            raise _too_far(entry, limits)
        if size > entry.file_size:
            raise DocumentExpandsTooMuch(f"the part {entry.filename} inflates to more than its directory says")
        crc = zlib.crc32(chunk, crc)
        if keep:
            if size > MAX_CONTENT_TYPES:
                raise UnsupportedDocumentType("the DOCX package's content types are too large")
            kept += chunk
    if size != entry.file_size or crc != entry.CRC:
        raise UnsupportedDocumentType(f"the DOCX package is damaged (part {entry.filename})")
    return size, bytes(kept)


def _too_far(entry: zipfile.ZipInfo, limits: ExpansionLimits) -> DocumentExpandsTooMuch:
    return DocumentExpandsTooMuch(f"the part {entry.filename} inflates more than {limits.max_ratio} to 1")


def _compressed_bytes(content: bytes, entry: zipfile.ZipInfo) -> memoryview:
    """The part's compressed bytes, found from its local header; never more than the upload holds."""
    header = content[entry.header_offset:entry.header_offset + LOCAL_HEADER.size]
    if len(header) < LOCAL_HEADER.size:
        raise UnsupportedDocumentType("the DOCX package is damaged")
    signature, _, flags, method, *_, name_length, extra_length = LOCAL_HEADER.unpack(header)
    if signature != b"PK\x03\x04" or method != entry.compress_type:
        raise UnsupportedDocumentType("the DOCX package is damaged")
    if flags & 0x1 or entry.flag_bits & 0x1:
        raise UnsupportedDocumentType("encrypted DOCX packages are not accepted")
    start = entry.header_offset + LOCAL_HEADER.size + name_length + extra_length
    return memoryview(content)[start:start + entry.compress_size]


def _chunks(compressed: memoryview, entry: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part's inflated bytes, at most `CHUNK` at a time (only stored and deflated parts, as Office writes)."""
    if entry.compress_type == zipfile.ZIP_STORED:
        for start in range(0, len(compressed), CHUNK):
            yield bytes(compressed[start:start + CHUNK])
        return
    if entry.compress_type != zipfile.ZIP_DEFLATED:
        raise UnsupportedDocumentType("the DOCX package uses a compression Office does not write")
    inflater, position = zlib.decompressobj(-zlib.MAX_WBITS), 0
    try:
        while not inflater.eof:
            data = inflater.unconsumed_tail or bytes(compressed[position:position + CHUNK])
            if not inflater.unconsumed_tail:
                position += len(data)
            out = inflater.decompress(data, CHUNK)
            if not out and not data:
                break
            yield out
    except zlib.error:
        raise UnsupportedDocumentType(f"the DOCX package is damaged (part {entry.filename})") from None
    if not inflater.eof:
        raise UnsupportedDocumentType(f"the DOCX package is damaged (part {entry.filename})")


def _declared_types(xml: bytes) -> list[str]:
    """Every attribute value in `[Content_Types].xml` (content types, part names, extensions), entities decoded.

    A DTD is refused (Open Packaging Conventions forbid it), so no entity can spell a type this check misses."""
    values: list[str] = []

    def element(_name: str, attributes: dict[str, str]) -> None:
        values.extend(attributes.values())

    def doctype(*_: object) -> None:
        raise UnsupportedDocumentType("the DOCX package's content types declare a DTD")

    parser = expat.ParserCreate()
    parser.StartElementHandler = element
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    try:
        parser.Parse(xml, True)
    except expat.ExpatError:
        raise UnsupportedDocumentType("the DOCX package's content types cannot be read") from None
    return values
