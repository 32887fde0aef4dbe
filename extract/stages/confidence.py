"""Confidence stage: every paragraph and table cell of the output that OCR read with less than
the low-confidence threshold is reported, quoting what it read: such text is kept, marked, and
never silent.

Input: the notice's paragraphs and tables, and the threshold (`OcrSettings.low_confidence`).
Output: one `low_confidence` error each.
"""

from __future__ import annotations

from extract.errors import ErrorCode
from extract.model import ErrorItem, Paragraph, Table

STAGE = "ocr"   # OCR's doubt, reported under the stage that read the text


def low_confidence_errors(paragraphs: list[Paragraph], tables: list[Table],
                          low_confidence: float) -> list[ErrorItem]:
    """One error for each paragraph and table cell of the output that OCR read with less than
    `low_confidence`, quoting what it read: such text is kept, marked, and never silent."""
    errors = []
    for paragraph in paragraphs:
        if paragraph.confidence is not None and paragraph.confidence < low_confidence:
            page = paragraph.provenance[0].page if paragraph.provenance else None
            errors.append(ErrorItem(stage=STAGE, code=ErrorCode.LOW_CONFIDENCE.value, page=page,
                                    message=f"paragraph read with confidence {paragraph.confidence:.2f}: "
                                            f"{paragraph.text[:40]!r}"))
    for table in tables:
        for cell in table.cells:
            if cell.confidence is not None and cell.confidence < low_confidence:
                page = cell.provenance[0].page if cell.provenance else None
                errors.append(ErrorItem(stage=STAGE, code=ErrorCode.LOW_CONFIDENCE.value, page=page,
                                        message=f"table {table.id} cell ({cell.row}, {cell.col}) read with confidence "
                                                f"{cell.confidence:.2f}: {cell.text!r}"))
    return errors
