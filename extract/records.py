"""Records stage (placeholder until the tables issue lands): builds no records."""

from __future__ import annotations

from extract.model import ErrorItem, Records, Table


def build_records(tables, structure) -> tuple[Records, list[ErrorItem]]:
    return Records(), []
