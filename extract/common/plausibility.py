"""Whether a text reads as Chinese prose: what the OCR stage asks of a text layer and of the
text it read, and the dump stage of a dump. Errors name the stage that asked."""

from __future__ import annotations

from extract.common.text import chinese_share, rare_ideograph_share
from extract.errors import ErrorCode
from extract.model import ErrorItem
from extract.settings import OcrSettings


def rare_share_problem(text: str, settings: OcrSettings) -> tuple[int, float] | None:
    """(ideographs, share of rare ones) when that share is too high for Chinese prose (a wrong
    character map, another encoding, bytes that are no text), judged on enough ideographs;
    else None."""
    count, rare = rare_ideograph_share(text)
    return (count, rare) if count >= settings.plausible_min_ideographs and rare > settings.rare_share else None


def implausible_text_errors(text: str, what: str, settings: OcrSettings, stage: str) -> list[ErrorItem]:
    """An implausible_text error when the text, as finally read, is hardly Chinese: a font
    whose glyphs map to ASCII punctuation, bytes that are no text, a document in another
    script. The notice goes on (as partial): whatever was read is kept and marked."""
    count, share = chinese_share(text)
    if count and share < settings.min_chinese_share:
        return [ErrorItem(stage=stage, code=ErrorCode.IMPLAUSIBLE_TEXT.value,
                          message=f"only {share:.0%} of the {what}'s {count} characters (digits aside) are Chinese: "
                                  f"it does not read as a Chinese notice")]
    return []
