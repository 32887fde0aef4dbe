"""The series key: editions of one policy share it, so that the 2026 edition of a notice is
found as the successor of the 2025 one. Derived from the issuer and the title with years,
edition words and punctuation removed."""

from __future__ import annotations

import re

from extract.common.text import normalize_spaces

YEARS = re.compile(r"(?:19|20)\d{2}\s*(?:[-—–至到]\s*(?:19|20)\d{2}\s*)?(?:年度|年)?")
EDITION_WORDS = re.compile(r"修订版|修订稿|修订|征求意见稿|试行|暂行|新版|第[一二三四五六七八九十\d]+版|年版")
PUNCTUATION = re.compile(r"[\s《》“”\"'（）()〔〕\[\]【】、，,。：:·—-]")


def series_title(title: str) -> str:
    text = YEARS.sub("", normalize_spaces(title))
    text = EDITION_WORDS.sub("", text)
    return PUNCTUATION.sub("", text)


def series_key(issuer: str | None, title: str) -> str:
    """`issuer|title` with years and edition words removed; the issuer part is empty when
    the notice names none."""
    return f"{PUNCTUATION.sub('', normalize_spaces(issuer or ''))}|{series_title(title)}"


def issuer_of(document: dict) -> str | None:
    """A notice's issuer for its series and the catalog: the 发文机关署名, else the 版记's
    印发机关 (`document` is a notice's `document` part, as JSON)."""
    return document.get("issuer") or (document.get("imprint") or {}).get("issuer")
