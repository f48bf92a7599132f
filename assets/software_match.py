"""Which licensed product a discovered installation counts against, by name.

Discovery reads names like "Mozilla Firefox 19.0.2 (x86 ru)" or "Microsoft Office
Professional Plus 2016" from HOST-RESOURCES-MIB, with versions, architecture and language
baked in, while licences are bought for "Mozilla Firefox" or "Office Professional Plus
2016". Names are normalised (lower case; trademark signs, bracketed notes, dotted version
numbers, architecture and language tags removed) and compared; where normalising is not
enough, an asset manager gives the licensed product match patterns (wildcards * and ?).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from fnmatch import fnmatchcase

_MARKS = re.compile(r"[®™©]|\(r\)|\(tm\)", re.IGNORECASE)
_BRACKETS = re.compile(r"\([^)]*\)?|\[[^\]]*\]?")
_VERSION = re.compile(r"(?<![\w.])v?\d+(?:\.\d+)+[a-z]?\d*(?![\w.])", re.IGNORECASE)
_TAGS = re.compile(
    r"(?<![\w-])(?:x64|x86|x86_64|amd64|arm64|64-bit|32-bit|64 bit|32 bit|"
    r"[a-z]{2}-[a-z]{2}|version)(?![\w-])",
    re.IGNORECASE,
)
_SPACES = re.compile(r"[\s,;:_]+")
_EDGES = " -–"


def normalise_name(name: str) -> str:
    """A product name without versions, architecture, language or trademark noise."""
    text = _MARKS.sub(" ", name)
    text = _BRACKETS.sub(" ", text)
    text = _VERSION.sub(" ", text)
    text = _TAGS.sub(" ", text)
    text = _SPACES.sub(" ", text).strip(_EDGES).lower()
    return _SPACES.sub(" ", text).strip(_EDGES)


def _pattern(pattern: str) -> str:
    """A match pattern in the normalised form: lower case, spaces collapsed."""
    return _SPACES.sub(" ", pattern.strip().lower())


def licensed_product_map(
    licensed: Iterable, discovered: Iterable[tuple[int, str, str]]
) -> dict[int, int]:
    """For each discovered (id, vendor, name): the id of the licensed product it counts against.

    A product counts against itself when it is licensed; otherwise against the licensed
    product whose normalised name (with or without vendor) equals its own; otherwise against
    the licensed product with the longest matching pattern (the most specific rule wins,
    so "microsoft office professional plus*" beats "microsoft office*"). Unmatched products
    are left out.
    """
    licensed = list(licensed)
    by_id = {product.pk: product for product in licensed}
    names: dict[str, int] = {}
    patterns: list[tuple[int, str, int]] = []
    for product in licensed:
        names.setdefault(normalise_name(product.name), product.pk)
        if product.vendor:
            names.setdefault(normalise_name(f"{product.vendor} {product.name}"), product.pk)
        for pattern in product.pattern_list():
            normalised = _pattern(pattern)
            patterns.append((len(normalised.replace("*", "")), normalised, product.pk))
    patterns.sort(key=lambda item: -item[0])
    found: dict[int, int] = {}
    for pk, vendor, name in discovered:
        if pk in by_id:
            found[pk] = pk
            continue
        normalised = normalise_name(name)
        candidates = [normalised]
        if vendor:
            candidates.append(normalise_name(f"{vendor} {name}"))
        target = next((names[c] for c in candidates if c in names), None)
        if target is None:
            raw = _pattern(name)
            target = next(
                (
                    product_id
                    for _, pattern, product_id in patterns
                    if any(fnmatchcase(c, pattern) for c in (*candidates, raw))
                ),
                None,
            )
        if target is not None:
            found[pk] = target
    return found
