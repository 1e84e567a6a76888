"""Small, real-looking documents of every allowed type (and some that are not), built in memory."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib


def pdf(text: str = "Official transcript") -> bytes:
    body = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    return (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
            b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
            b"3 0 obj << /Length " + str(len(body)).encode() + b" >> stream\n" + body + b"\nendstream endobj\n"
            b"trailer << /Root 1 0 R >>\n%%EOF\n")


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
            + chunk(b"IEND", b""))


def jpeg() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"


CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def content_types(*declarations: str) -> str:
    """A `[Content_Types].xml` with the main document's Override and the given `<Default>`/`<Override>` elements."""
    return (f'<?xml version="1.0"?><Types xmlns="{CONTENT_TYPES_NS}">'
            f'<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/word/document.xml" ContentType="{WORD_MAIN}"/>{"".join(declarations)}</Types>')


def docx(*, macros: bool = False, parts: dict[str, bytes] | None = None, types: str | None = None,
         compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A minimal Word package; `parts` adds entries, `types` replaces `[Content_Types].xml`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as package:
        package.writestr("[Content_Types].xml", types if types is not None else content_types())
        package.writestr("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="http://schemas.'
                         'openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>')
        if macros:
            package.writestr("word/vbaProject.bin", b"\x00" * 16)
        for name, content in (parts or {}).items():
            package.writestr(name, content)
    return buffer.getvalue()


def expanding_docx(size: int) -> bytes:
    """A Word package with one part of `size` zero bytes: a few kilobytes that inflate to `size` (a zip bomb)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package:
        package.writestr("[Content_Types].xml", content_types())
        package.writestr("word/document.xml", "<w:document/>")
        with package.open("word/media/padding.bin", "w") as part:
            block = b"\x00" * (1024 * 1024)
            for _ in range(size // len(block)):
                part.write(block)
            part.write(block[: size % len(block)])
    return buffer.getvalue()


def understated_docx(real_size: int, stated_size: int) -> bytes:
    """A zip bomb whose directory (and local header) claims the padding part inflates to `stated_size` only."""
    content = bytearray(expanding_docx(real_size))
    name = b"word/media/padding.bin"
    local = content.find(name) - 30
    central = content.rfind(b"PK\x01\x02", 0, content.rfind(name))
    struct.pack_into("<I", content, local + 22, stated_size)
    struct.pack_into("<I", content, central + 24, stated_size)
    return bytes(content)


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("notes.txt", "not a document")
    return buffer.getvalue()


def gif() -> bytes:
    return b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"


def padded_pdf(size: int) -> bytes:
    """A PDF of exactly `size` bytes (a comment pads it)."""
    head = pdf()
    return head + b"%" + b"x" * (size - len(head) - 2) + b"\n"
