"""Tables stage (placeholder until the tables issue lands): finds no tables."""

from __future__ import annotations

from dataclasses import dataclass

from extract.model import ErrorItem, SourceDocument, Table, TableRegion


@dataclass(frozen=True)
class FoundTables:
    tables: tuple[Table, ...] = ()
    regions: tuple[TableRegion, ...] = ()
    errors: tuple[ErrorItem, ...] = ()


def find_tables(source: SourceDocument) -> FoundTables:
    return FoundTables()
