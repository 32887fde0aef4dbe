"""A rebuilt table assembled from its cells, the one way every tables stage (ruled PDF tables,
a dump's spaced and garbled tables) and the migration build it: the header and body grids
(None under a merged cell's other slots), each column's header path, and the cells in order."""

from __future__ import annotations

from extract.common.text import normalize_spaces
from extract.model import Degrees, Table, TableCell


def assemble_table(*, id: str, title: str | None, cells: list[TableCell], n_rows: int, n_cols: int,
                   header_rows: int, pages: list[int], orientation: Degrees, page_rotation: list[Degrees],
                   rulings: str, unit: str | None = None, preparer: str | None = None) -> Table:
    headers = column_headers(cells, header_rows, n_cols)
    grid: list[list[str | None]] = [[None] * n_cols for _ in range(n_rows)]
    for c in cells:
        grid[c.row][c.col] = c.text
    return Table(id=id, title=title, unit=unit, preparer=preparer, pages=pages, orientation=orientation,
                 page_rotation=page_rotation, rulings=rulings, n_rows=n_rows, n_cols=n_cols, header_rows=header_rows,
                 column_paths=[" / ".join(path) for path in headers], column_headers=headers,
                 header=grid[:header_rows], body=grid[header_rows:],
                 cells=sorted(cells, key=lambda c: (c.row, c.col)))


def column_headers(cells, header_rows: int, n_cols: int) -> list[list[str]]:
    """`["一级", "学时"]`: the header cells' texts over each column, top to bottom, repeats dropped."""
    paths = []
    for col in range(n_cols):
        parts: list[str] = []
        for cell in sorted((c for c in cells if c.row < header_rows and c.col <= col < c.col + c.colspan),
                           key=lambda c: c.row):
            text = normalize_spaces(cell.text or "")
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        paths.append(parts)
    return paths
