"""Text stage of a text dump, the sibling of the OCR stage for PDFs: a dump has no page to
read again, so its text is only judged. Every page says its text came from the dump; a dump
whose characters do not read as Chinese prose (mostly rare ideographs: another encoding, or
no text; or hardly any CJK at all) is reported (`implausible_text`) and goes on as partial.

Input: the loaded dump. Output: a new `SourceDocument`.
"""

from __future__ import annotations

from extract.common.plausibility import implausible_text_errors, rare_share_problem
from extract.errors import ErrorCode
from extract.model import ErrorItem, PageText, SourceDocument
from extract.settings import OcrSettings

STAGE = "ocr"   # the text stage; dumps report under the name PDFs do


def check_dump_text(source: SourceDocument, settings: OcrSettings = OcrSettings()) -> SourceDocument:
    pages = tuple(p.model_copy(update={"text": PageText(page=p.number, source="dump")}) for p in source.pages)
    errors = list(source.errors)
    text = "".join(line.text for p in source.pages for line in p.lines)
    problem = rare_share_problem(text, settings)
    if problem is not None:
        count, rare = problem
        errors.append(ErrorItem(stage=STAGE, code=ErrorCode.IMPLAUSIBLE_TEXT.value,
                                message=f"{rare:.0%} of the dump's {count} ideographs are rare ones: it does not "
                                        f"read as Chinese prose (another encoding, or no text)"))
    else:
        errors.extend(implausible_text_errors(text, "dump", settings, STAGE))
    return source.model_copy(update={"pages": pages, "errors": tuple(errors)})
