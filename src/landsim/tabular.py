"""Raw reading of every text input: CSV and Excel tables, plain text files and the text of
shapefile attribute tables (.dbf), in UTF-8, UTF-8 with BOM or GBK/GB18030.

This is the one place where landsim turns bytes into text. A file's encoding is either
named (``encoding=``, the command line's ``--encoding``) or detected by one stated rule:

1. a UTF-8 byte-order mark, or bytes that are valid UTF-8, mean UTF-8;
2. otherwise bytes that decode as GB18030 (a superset of GBK and GB2312) *and* whose
   non-ASCII characters are at least :data:`GB2312_SHARE_MIN` common Chinese characters or
   Chinese punctuation (those of GB2312) mean GB18030;
3. anything else is refused with a message naming ``--encoding``, never read as
   mojibake (``'¶«Ïß'`` for ``'东线'``).

Excel workbooks (.xlsx) are read cell by cell with openpyxl into the same text cells as a
CSV, so both go through the same validation; messages then name the sheet and the row.

>>> detect_encoding("东线,旱地".encode("gbk"))
'gb18030'
>>> detect_encoding("\\ufeffa,b".encode("utf-8"))
'utf-8-sig'
>>> detect_encoding("Café".encode("latin-1")) is None
True
"""

from __future__ import annotations

import codecs
import io
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from landsim.errors import InputError

if TYPE_CHECKING:
    import pandas as pd  # imported by the readers that build a frame

__all__ = [
    "GB2312_SHARE_MIN",
    "EXCEL_SUFFIXES",
    "RawTable",
    "check_encoding_name",
    "dbf_encoding",
    "decode_bytes",
    "detect_encoding",
    "read_raw_table",
    "read_text",
]

PathLike = str | os.PathLike[str]

GB2312_SHARE_MIN = 0.95
"""Share of non-ASCII characters that must be common Chinese characters or punctuation
(those of GB2312) for bytes that are not UTF-8 to be taken as GB18030 [fraction]. A
detection threshold, not a policy figure: Chinese text scores about 1, Latin-1 bytes
misread as GB18030 about 0."""

EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
"""Workbooks read with openpyxl (Excel 2007 and later)."""

FIX_ENCODING = ("Fix: save the file as UTF-8, or name its encoding with --encoding "
                "(e.g. --encoding gbk)")

def check_encoding_name(encoding: str, option: str = "--encoding") -> str:
    """Python's codec name for ``encoding``; an unknown name raises :class:`InputError`.

    >>> check_encoding_name("GBK"), check_encoding_name("utf-8-sig")
    ('gbk', 'utf-8-sig')
    """
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        msg = (f"{option} {encoding!r}: unknown encoding. Fix: give e.g. utf-8, utf-8-sig, "
               "gbk or gb18030")
        raise InputError(msg) from None


def _gb2312_share(text: str) -> float:
    """Share of the non-ASCII characters of ``text`` that GB2312 holds [fraction].

    GB2312 holds the 6,763 common Chinese characters with Chinese punctuation; Latin-1 or
    other bytes misread as GB18030 give rare GBK-extension characters instead
    (``'Müller'`` -> ``'M黮ler'``).
    """
    codes = np.frombuffer(text.encode("utf-32-le"), dtype="<u4")
    codes, counts = np.unique(codes[codes >= 0x80], return_counts=True)
    if codes.size == 0:
        return 1.0
    common = np.zeros(codes.size, dtype=bool)
    for k, code in enumerate(codes):
        try:
            chr(code).encode("gb2312")
            common[k] = True
        except UnicodeEncodeError:
            pass
    return float(counts[common].sum() / counts.sum())


def detect_encoding(data: bytes) -> str | None:
    """Codec of ``data`` by the module's rule: ``'utf-8-sig'``, ``'utf-8'``, ``'gb18030'``,
    or ``None`` when the bytes are neither UTF-8 nor plausible Chinese GB18030 text."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    return "gb18030" if _gb2312_share(text) >= GB2312_SHARE_MIN else None


def decode_bytes(data: bytes, source: str, encoding: str | None = None) -> tuple[str, str]:
    """Decode ``data`` (named ``source`` in messages); return ``(text, codec used)``.

    With ``encoding`` the bytes must decode strictly in it (a leading BOM is dropped);
    without, the module's detection rule applies.
    """
    if encoding is None:
        found = detect_encoding(data)
        if found is None:
            msg = (f"{source}: cannot tell the text encoding (neither UTF-8 nor GBK/GB18030 "
                   f"Chinese text). {FIX_ENCODING}")
            raise InputError(msg)
        return data.decode(found), found
    codec = check_encoding_name(encoding)
    if codec == "utf-8" and data.startswith(codecs.BOM_UTF8):
        codec = "utf-8-sig"
    try:
        return data.decode(codec), codec
    except UnicodeDecodeError as err:
        msg = (f"{source}: cannot be read as {encoding} (byte {err.start}). Fix: give the "
               "file's real encoding with --encoding, or leave --encoding out to detect "
               "UTF-8 or GBK")
        raise InputError(msg) from None


def read_text(path: PathLike, encoding: str | None = None) -> str:
    """Text of a file in UTF-8, UTF-8 with BOM or GBK/GB18030 (detected or named)."""
    path = Path(path)
    return decode_bytes(path.read_bytes(), str(path), encoding)[0]


# ----------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class RawTable:
    """A table as read: every cell text, plus how to name its rows in messages.

    ``source`` names the file (and the sheet of a workbook); a row's number in messages is
    ``row_offset + position``, which is the line of a CSV file or the row of a sheet.
    """

    frame: pd.DataFrame
    source: str
    row_word: str = "line"
    row_offset: int = 2
    encoding: str = "utf-8"


def _read_csv_text(text: str, source: str) -> pd.DataFrame:
    import pandas as pd

    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                           skipinitialspace=True)
    except pd.errors.EmptyDataError:
        msg = f"{source}: the file is empty. Fix: write a header line and one row per record."
        raise InputError(msg) from None
    except pd.errors.ParserError as err:
        detail = str(err).strip().splitlines()[-1]
        msg = (f"{source}: not a well-formed CSV ({detail}). Fix: give every line the same "
               "number of comma-separated fields as the header.")
        raise InputError(msg) from None


def _cell_text(value: object, as_date: bool, epoch: datetime) -> str:
    """One Excel cell as the text a CSV would hold (dates YYYY-MM-DD, whole numbers bare)."""
    from openpyxl.utils.datetime import from_excel

    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float) and as_date:
        value = from_excel(value, epoch)  # an Excel date serial (days since the epoch)
    if isinstance(value, datetime):
        return (value.date().isoformat() if value.time() == time(0)
                else value.isoformat(sep=" "))
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _pick_sheet(workbook, path: Path, sheet: str | None, preferred: Iterable[str]) -> str:
    names = list(workbook.sheetnames)
    if sheet is not None:
        if sheet not in names:
            msg = (f"{path}: has no sheet {sheet!r} (sheets: {', '.join(names)}). Fix: name "
                   "one of these sheets")
            raise InputError(msg)
        return sheet
    for name in preferred:
        if name in names:
            return name
    return names[0]


def _read_excel(path: Path, sheet: str | None, preferred: Iterable[str],
                date_columns: Iterable[str]) -> RawTable:
    import zipfile

    import pandas as pd
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as err:
        msg = (f"{path}: cannot be read as an Excel workbook ({type(err).__name__}). Fix: "
               "save it from Excel as .xlsx, or as CSV")
        raise InputError(msg) from None
    try:
        name = _pick_sheet(workbook, path, sheet, preferred)
        rows = [list(r) for r in workbook[name].iter_rows(values_only=True)]
        epoch = workbook.epoch
    finally:
        workbook.close()
    source = f"{path}, sheet '{name}'"
    while rows and all(v is None or str(v).strip() == "" for v in rows[-1]):
        rows.pop()
    if not rows:
        msg = f"{source}: the sheet is empty. Fix: write a header row and one row per record."
        raise InputError(msg)
    header = rows[0]
    while header and (header[-1] is None or str(header[-1]).strip() == ""):
        header.pop()
    names = [str(h).strip() if h is not None else "" for h in header]
    if "" in names:
        msg = (f"{source}: column {names.index('') + 1} of the header row has no name. "
               "Fix: name every column in row 1")
        raise InputError(msg)
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        msg = f"{source}: column name(s) {', '.join(dup)} appear twice in row 1. Fix: rename"
        raise InputError(msg)
    dates = set(date_columns)
    width = len(names)
    for number, row in enumerate(rows[1:], start=2):
        extra = [v for v in row[width:] if v is not None and str(v).strip() != ""]
        if extra:
            msg = (f"{source}: row {number} has values right of the last named column "
                   f"({extra[0]!r}). Fix: name that column in row 1 or delete the values")
            raise InputError(msg)
    cells = [[_cell_text(row[k] if k < len(row) else None, names[k] in dates, epoch)
              for k in range(width)] for row in rows[1:]]
    frame = pd.DataFrame(cells, columns=names, dtype=object)
    frame.attrs.update({"sheet": name, "row_word": "row"})
    return RawTable(frame, source, row_word="row", row_offset=2, encoding="xlsx")


def read_raw_table(path: PathLike, encoding: str | None = None, *, sheet: str | None = None,
                   preferred_sheets: Iterable[str] = (),
                   date_columns: Iterable[str] = ()) -> RawTable:
    """Read a CSV (UTF-8, BOM or GBK/GB18030) or .xlsx workbook as text cells.

    Parameters
    ----------
    path
        ``.csv`` (or any text table) or ``.xlsx``.
    encoding
        Text encoding of a CSV; detected when None (see the module rule). Ignored for
        workbooks, whose text is always Unicode.
    sheet
        Sheet of a workbook; default the first of ``preferred_sheets`` present, else the
        first sheet.
    date_columns
        Columns whose numeric workbook cells are Excel date serials (days since
        1899-12-30, or the workbook's 1904 epoch) and are read as dates.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xls":
        msg = (f"{path}: an Excel 97-2003 workbook (.xls) cannot be read. Fix: save it "
               "from Excel as .xlsx, or as CSV")
        raise InputError(msg)
    if suffix in EXCEL_SUFFIXES:
        return _read_excel(path, sheet, preferred_sheets, date_columns)
    text, codec = decode_bytes(path.read_bytes(), str(path), encoding)
    if text.startswith("\ufeff"):
        text = text[1:]
    return RawTable(_read_csv_text(text, str(path)), str(path), encoding=codec)


# ----------------------------------------------------------------------------- shapefiles

_CPG_CODECS = {"936": "gbk", "65001": "utf-8", "54936": "gb18030", "1252": "cp1252",
               "8859_1": "latin-1", "88591": "latin-1"}
_LDID_CODECS = {0x4D: "gbk", 0x57: "cp1252"}


def _dbf_text(dbf: Path) -> bytes:
    """The bytes of every text field name and value of a .dbf, separated by newlines."""
    data = dbf.read_bytes()
    if len(data) < 32:
        return b""
    n = int.from_bytes(data[4:8], "little")
    header_len = int.from_bytes(data[8:10], "little")
    record_len = int.from_bytes(data[10:12], "little")
    names, spans, offset = [], [], 1  # byte 0 of a record is the deletion flag
    for start in range(32, header_len - 1, 32):
        desc = data[start:start + 32]
        if len(desc) < 32 or desc[0] == 0x0D:
            break
        names.append(desc[:11].split(b"\0", 1)[0])
        length = desc[16]
        if chr(desc[11]) in "CM":
            spans.append((offset, length))
        offset += length
    available = max(0, (len(data) - header_len) // max(record_len, 1))
    n = min(n, available)
    parts = [b"\n".join(names)]
    if spans and n and record_len:
        records = np.frombuffer(data, dtype=np.uint8, count=n * record_len,
                                offset=header_len).reshape(n, record_len)
        cols = []
        for start, length in spans:
            cols.append(records[:, start:start + length])
            cols.append(np.full((n, 1), 0x0A, dtype=np.uint8))
        parts.append(np.ascontiguousarray(np.hstack(cols)).tobytes())
    return b"\n".join(parts)


def dbf_encoding(shp: PathLike, encoding: str | None = None, layer_name: str = "") -> str | None:
    """Codec to decode a shapefile's attributes with, or ``None`` when all text is ASCII.

    A named ``encoding`` wins; then a ``.cpg`` file beside the shapefile (checked against
    the bytes); then the module's detection rule on the .dbf's text. Bytes that fit none
    raise :class:`InputError` naming ``--encoding``.
    """
    shp = Path(shp)
    dbf = shp.with_suffix(".dbf")
    if not dbf.exists():
        dbf = shp.with_suffix(".DBF")
    if not dbf.exists():
        return None if encoding is None else check_encoding_name(encoding)
    text = _dbf_text(dbf)
    label = layer_name or str(shp)
    if encoding is not None:
        decode_bytes(text, f"{label} (attribute table {dbf.name})", encoding)
        return check_encoding_name(encoding)
    if max(text, default=0) < 0x80:
        return None
    cpg = next((p for p in (shp.with_suffix(".cpg"), shp.with_suffix(".CPG")) if p.exists()),
               None)
    if cpg is not None:
        name = cpg.read_text(encoding="ascii", errors="replace").strip()
        codec = _CPG_CODECS.get(name.upper().replace("CP", "").replace("ISO", "").strip("-_"),
                                name)
        try:
            codec = check_encoding_name(codec, option=f"{cpg.name}:")
            text.decode(codec)
            return codec
        except (InputError, UnicodeDecodeError):
            msg = (f"{label}: its {cpg.name} names the encoding {name!r}, but the attribute "
                   f"table {dbf.name} is not {name} text. Fix: correct or delete "
                   f"{cpg.name}, or name the encoding with --encoding (e.g. --encoding gbk)")
            raise InputError(msg) from None
    found = detect_encoding(text)
    if found is None:
        ldid = _LDID_CODECS.get(dbf.read_bytes()[29]) if dbf.stat().st_size > 29 else None
        hint = f" (its header says {ldid})" if ldid else ""
        msg = (f"{label}: the attribute table {dbf.name} has no .cpg file and its text is "
               f"neither UTF-8 nor GBK/GB18030{hint}. Fix: name the encoding with "
               "--encoding (e.g. --encoding gbk), or add a .cpg file holding it")
        raise InputError(msg)
    return "utf-8" if found == "utf-8-sig" else found
