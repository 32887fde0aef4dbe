"""Errors are data: every problem has a stable code, the stage that found it and a message.

A stage raises `NoticeError` when it cannot go on with a notice; problems it can work around
(an unreadable cell, an undecodable glyph) are returned as `ErrorItem`s and the notice is
marked `partial`.
"""

from enum import StrEnum


class ErrorCode(StrEnum):
    # load
    EMPTY_FILE = "empty_file"
    NOT_A_PDF = "not_a_pdf"
    TRUNCATED_PDF = "truncated_pdf"
    ENCRYPTED_PDF = "encrypted_pdf"
    UNREADABLE_PDF = "unreadable_pdf"
    NO_TEXT_LAYER = "no_text_layer"
    UNKNOWN_TEXT_ENCODING = "unknown_text_encoding"
    UNSUPPORTED_INPUT = "unsupported_input"
    NOT_A_REGULAR_FILE = "not_a_regular_file"  # a symlink (unless allowed), FIFO, device, folder, dangling link or loop
    RESERVED_ID = "reserved_id"              # the input's id is one of the store's own names
    CONTROL_CHARACTERS = "control_characters"  # terminal and bidi control characters, removed from the text
    UNDECODABLE_TEXT = "undecodable_text"
    IMPLAUSIBLE_TEXT = "implausible_text"    # a dump whose characters do not read as Chinese prose
    # ocr
    OCR_UNAVAILABLE = "ocr_unavailable"
    LOW_CONFIDENCE = "low_confidence"
    # structure
    NO_TITLE = "no_title"
    # tables and records
    TABLE_UNREADABLE = "table_unreadable"
    CELL_UNREADABLE = "cell_unreadable"
    RECORD_FIELD_UNREADABLE = "record_field_unreadable"
    TABLE_UNMAPPED = "table_unmapped"        # has a record kind's identifying columns, cannot be read as it
    TABLE_AMBIGUOUS = "table_ambiguous"      # matches two record kinds equally well
    # validate and store
    SCHEMA_INVALID = "schema_invalid"
    DUPLICATE_ID = "duplicate_id"
    DISK_FULL = "disk_full"                  # a write failed for want of space
    STORE_NOT_WRITABLE = "store_not_writable"  # a write failed: read-only file system or no permission
    STORE_DAMAGED = "store_damaged"          # a stored document that cannot be read or fails its schema
    INTERRUPTED = "interrupted"              # the run was stopped (Ctrl-C, SIGTERM) before this notice was done
    TIME_LIMIT = "time_limit"
    MEMORY_LIMIT = "memory_limit"
    INTERNAL = "internal_error"


class NoticeError(Exception):
    """A notice cannot be extracted. `file` names the input, `code` says why in a stable way."""

    def __init__(self, code: ErrorCode, message: str, *, file: str = "", stage: str = "", page: int | None = None):
        self.code = code
        self.message = message
        self.file = file
        self.stage = stage
        self.page = page
        super().__init__(f"{file}: {code.value}: {message}" if file else f"{code.value}: {message}")


class StoreError(ValueError):
    """The store cannot do what was asked of it: an id it keeps for itself, a catalog or a
    document it cannot read, a schema version no migration leads from. `code` says why in a
    stable way, `file` names what it was about. (A ValueError, so that callers that catch
    bad values catch it.)"""

    def __init__(self, code: ErrorCode, message: str, *, file: str = ""):
        self.code = code
        self.message = message
        self.file = file
        super().__init__(message)
