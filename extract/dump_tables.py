"""Tables in text dumps (placeholder)."""
from __future__ import annotations


def find_dump_tables(source):
    from extract.tables import FoundTables

    return FoundTables()
