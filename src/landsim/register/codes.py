"""Real-estate unit codes (不动产单元代码): parse, validate and generate.

The code is the key of "one code manages the land" (一码管地, county plan 五、(二)). Its
structure (GB/T 37346-2019; shared/domain/policy-facts.md s.14, RECALLED) is 28 characters
in four parts:

========  =====  ==========================================================
part      chars  content
========  =====  ==========================================================
county    1-6    county-level administrative code (GB/T 2260), e.g. 140932
zone      7-12   cadastral zone (地籍区, 3 digits) and sub-zone (地籍子区, 3)
parcel    13-19  ownership letter (G state, J collective, Z disputed), right-type
                 letter (e.g. B construction-land use right), 5-digit sequence
fixture   20-28  fixture letter (F building, L forest, Q other structure, W none)
                 and 8 digits (W00000000 for bare land)
========  =====  ==========================================================

>>> code = unit_code("140932", 1, 1, 7)
>>> code
'140932001001GB00007W00000000'
>>> parse_code(code)["parcel"]
'GB00007'
>>> check_code("140932001001GB0007W00000000", "140932")
Traceback (most recent call last):
...
landsim.errors.InputError: unit code '140932001001GB0007W00000000' has 27 characters; a real-estate unit code (不动产单元代码) has 28 (6 county + 6 zone + 7 parcel + 9 fixture). Fix: correct the code
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from landsim.errors import InputError

__all__ = [
    "CODE_LENGTH",
    "FIXTURE_LETTERS",
    "OWNERSHIP_LETTERS",
    "PARTS",
    "check_code",
    "check_codes",
    "code_problem",
    "parse_code",
    "unit_code",
]

CODE_LENGTH = 28
"""Characters of a unit code."""

PARTS: dict[str, tuple[int, int, str]] = {
    "county": (0, 6, "county administrative code (6 digits, GB/T 2260)"),
    "zone": (6, 12, "cadastral zone and sub-zone (地籍区 + 地籍子区, 6 digits)"),
    "parcel": (12, 19, "parcel code (ownership letter G/J/Z, right-type letter, 5 digits)"),
    "fixture": (19, 28, "fixture code (letter F/L/Q/W, 8 digits)"),
}
"""Part name -> (start, end, description), 0-based half-open character positions."""

OWNERSHIP_LETTERS = {"G": "国有 state", "J": "集体 collective", "Z": "争议 disputed"}
"""First letter of the parcel code: land ownership."""
FIXTURE_LETTERS = {"F": "房屋 building", "L": "林木 forest", "Q": "其他 other structure",
                   "W": "无定着物 no fixture"}
"""First letter of the fixture code."""

_PATTERNS = {
    "zone": re.compile(r"\d{6}"),
    "parcel": re.compile(r"[GJZ][A-Z]\d{5}"),
    "fixture": re.compile(r"[FLQW]\d{8}"),
}


def parse_code(code: str) -> dict[str, str]:
    """The four parts of a 28-character code (no checks beyond the length).

    Raises
    ------
    InputError
        The code does not have 28 characters.
    """
    problem = _length_problem(code)
    if problem:
        raise InputError(f"{problem}. Fix: correct the code")
    return {name: code[a:b] for name, (a, b, _) in PARTS.items()}


def _length_problem(code: str) -> str:
    if len(code) != CODE_LENGTH:
        return (f"unit code {code!r} has {len(code)} characters; a real-estate unit code "
                "(不动产单元代码) has 28 (6 county + 6 zone + 7 parcel + 9 fixture)")
    return ""


def code_problem(code: object, county_code: str | None) -> str:
    """What is wrong with ``code`` ('' when valid), naming the part and its characters.

    Parameters
    ----------
    code : object
        The code as read (text expected).
    county_code : str or None
        The county's 6-digit administrative code the code must start with; None skips
        the prefix check.
    """
    if not isinstance(code, str) or not code.strip():
        return "unit code is empty; every land unit needs its 28-character code"
    if code != code.strip():
        return f"unit code {code!r} has spaces around it"
    length = _length_problem(code)
    if length:
        return length
    county = code[:6]
    if not county.isdigit():
        return (f"unit code {code!r}: characters 1-6 {county!r} must be the 6-digit county "
                "administrative code")
    if county_code is not None and county != county_code:
        return (f"unit code {code!r}: characters 1-6 {county!r} are not this county's "
                f"administrative code {county_code}")
    for name, pattern in _PATTERNS.items():
        a, b, what = PARTS[name]
        if not pattern.fullmatch(code[a:b]):
            return (f"unit code {code!r}: characters {a + 1}-{b} {code[a:b]!r} are not a "
                    f"{what}")
    return ""


def check_code(code: object, county_code: str | None = None) -> str:
    """Return ``code`` when valid; raise :class:`InputError` naming the wrong part."""
    problem = code_problem(code, county_code)
    if problem:
        raise InputError(f"{problem}. Fix: correct the code")
    return str(code)


def check_codes(codes: Iterable[object], county_code: str | None, where: str,
                rows: Iterable[object] | None = None) -> None:
    """Check every code of a column and that none repeats.

    Parameters
    ----------
    codes : iterable
        The codes, in file order.
    county_code : str or None
        Administrative code they must start with.
    where : str
        File and column, e.g. ``"units.csv: column 'unit_code'"``.
    rows : iterable, optional
        Row labels (e.g. CSV line numbers) in the same order; default 1, 2, ...

    Raises
    ------
    InputError
        The first bad code (with its row and the part that is wrong), or the first
        duplicated code with both rows.
    """
    codes = list(codes)
    labels = list(rows) if rows is not None else list(range(1, len(codes) + 1))
    seen: dict[str, object] = {}
    for code, row in zip(codes, labels, strict=True):
        problem = code_problem(code, county_code)
        if problem:
            msg = (f"{where}, {row}: {problem}. Fix: give the unit's 28-character code "
                   "(GB/T 37346-2019)")
            raise InputError(msg)
        if code in seen:
            msg = (f"{where}, {row}: unit code {code!r} is a duplicate of {seen[code]}; one "
                   "land unit has one code and one row. Fix: merge the rows or correct the "
                   "code")
            raise InputError(msg)
        seen[str(code)] = row


def unit_code(county_code: str, zone: int, subzone: int, sequence: int,
              ownership: str = "G", right: str = "B", fixture: str = "W00000000") -> str:
    """Compose a code from its parts (used to give synthetic units a code).

    Parameters
    ----------
    county_code : str
        6-digit administrative code.
    zone, subzone : int
        Cadastral zone and sub-zone, 1..999.
    sequence : int
        Parcel sequence number in the sub-zone, 1..99999.
    ownership, right : str
        Ownership letter (G/J/Z) and right-type letter (e.g. B).
    fixture : str
        9-character fixture code (default bare land).
    """
    code = f"{county_code}{zone:03d}{subzone:03d}{ownership}{right}{sequence:05d}{fixture}"
    return check_code(code, county_code)
