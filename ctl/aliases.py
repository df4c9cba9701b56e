"""Alias normalisation: one key per name, so every spelling of a group, actor or region matches.

Matching ignores case, diacritics, quote style (Da'ish, Da’ish, Daish), hyphens and other dashes,
spaces, dots and underscores: "Tehrik-i-Taliban Pakistan" and "tehrik i taliban pakistan" are one key.
The loader stores this key beside every alias, and filters normalise the user's text the same way, so
the comparison in SQL is a plain equality on a bound parameter.
"""

from __future__ import annotations

import re
import unicodedata

# Apostrophes and quotes of every style (including the ayn and hamza marks of transliterated Arabic),
# dashes of every width, soft hyphens and zero-width characters, spaces, dots and underscores.
_IGNORED = re.compile(r"[\s'\"`´‘’‚‛“”„‟′″ʹʺʻʼʽʾʿˈ\-‐‑‒–—―−_.·\u00ad\u200b-\u200d\u2060\ufeff]+")


def normalise(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _IGNORED.sub("", stripped).casefold()
