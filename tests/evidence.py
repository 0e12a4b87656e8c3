"""Small real files of every evidence type, and of the kinds that must be refused."""

import io
import struct
import zipfile

from openpyxl import Workbook

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
GIF = b"GIF89a\x01\x00\x01\x00" + b"\x00" * 20
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
TEXT = "Biên bản kiểm tra\r\n".encode()
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def zipped(members, *, stored_first=None):
    """A zip archive of ``members`` (name: text), ``stored_first`` first and uncompressed."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if stored_first:
            name, text = stored_first
            archive.writestr(name, text, compress_type=zipfile.ZIP_STORED)
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def docx(*extra):
    return zipped({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>",
                   **{name: "x" for name in extra}})


def xlsx():
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def xlsx_with(*extra):
    return zipped({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>",
                   **{name: "x" for name in extra}})


def odf(kind, *extra):
    members = {"content.xml": "<office:document-content/>",
               "META-INF/manifest.xml": "<manifest:manifest/>", **{n: "x" for n in extra}}
    return zipped(members, stored_first=("mimetype", f"application/vnd.oasis.opendocument.{kind}"))


# A minimal OLE2 compound file (version 3, 512-byte sectors): a FAT sector, a directory
# sector, then each stream in 4,096 bytes of its own sectors (the mini stream is not needed).
_END, _FREE, _FAT, _NONE = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
_STREAM_SECTORS = 8


def _entry(name, kind, *, right=_NONE, child=_NONE, start=_END, size=0):
    encoded = (name + "\0").encode("utf-16-le")
    return (encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", _NONE, right, child) + b"\0" * 36
            + struct.pack("<IQ", start, size))


def ole2(*streams, storages=()):
    """An OLE2 file with the named streams (4,096 bytes each) and empty storages at its root."""
    names = [(name, 2) for name in streams] + [(name, 1) for name in storages]
    assert len(names) <= 3, "one directory sector holds the root and three entries"
    entries = [_entry("Root Entry", 5, child=1 if names else _NONE)]
    fat = [_FAT, _END]
    for number, (name, kind) in enumerate(names, start=1):
        right = number + 1 if number < len(names) else _NONE
        if kind == 2:
            start = len(fat)
            fat += list(range(start + 1, start + _STREAM_SECTORS)) + [_END]
            entries.append(_entry(name, 2, right=right, start=start, size=4096))
        else:
            entries.append(_entry(name, 1, right=right, start=0))
    directory = b"".join(entries).ljust(512, b"\0")
    fat_sector = b"".join(struct.pack("<I", n) for n in fat + [_FREE] * (128 - len(fat)))
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, _END, 0, _END, 0)
              + struct.pack("<I", 0) + struct.pack("<I", _FREE) * 108)
    data = b"\0" * 4096 * sum(1 for _name, kind in names if kind == 2)
    return header + fat_sector + directory + data


DOC = ole2("WordDocument", "1Table")
XLS = ole2("Workbook")
MSI = ole2("\u4840\u3b3f\u43f2\u4438")
