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


def repeated_column_runs(cells, header_rows: int, n_cols: int) -> int | None:
    """How many columns each part of a table printed in parts side by side has (a long list set
    in halves to fill the width: `序号 名称 职业 | 序号 名称 职业`): the fewest, two or more, such that
    the columns fall into two or more runs of that many whose header paths (group labels and
    sub-headers, `column_headers`) repeat run for run, no cell running from one run into the next.
    None when they do not repeat so. `cells`: any with row, col, colspan and text."""
    paths = [tuple(path) for path in column_headers(cells, header_rows, n_cols)]
    return next((w for w in range(2, n_cols // 2 + 1) if n_cols % w == 0 and all(paths[:w])
                 and all(paths[k:k + w] == paths[:w] for k in range(w, n_cols, w))
                 and all(c.col // w == (c.col + c.colspan - 1) // w for c in cells)), None)


def part_extent(cells, first: int, width: int, header_rows: int) -> tuple[list, int]:
    """Of a table printed in parts side by side, the part of `width` columns from column `first`:
    its cells (as given, columns not yet shifted) and its row count, its empty rows at the foot
    dropped (the last part of a list is often shorter); 0 rows, or as many as the header's, when
    nothing stands under its header. `cells`: any with row, col, rowspan and text."""
    own = [c for c in cells if first <= c.col < first + width]
    n_rows = 1 + max((c.row + c.rowspan - 1 for c in own if c.text or c.row < header_rows), default=-1)
    return [c for c in own if c.row < n_rows], n_rows


def table_parts(table: Table, width: int, first_number: int) -> list[Table]:
    """A table printed in parts side by side (`repeated_column_runs`) as its parts of `width`
    columns, left to right, numbered on from `first_number` (`t<n>`): each with the header, its
    empty rows at the foot dropped (the last part of a list is often shorter); a part with nothing
    under its header is left out."""
    parts = []
    for first in range(0, table.n_cols, width):
        own, n_rows = part_extent(table.cells, first, width, table.header_rows)
        if n_rows <= table.header_rows:
            continue
        cells = [c.model_copy(update={"col": c.col - first, "rowspan": min(c.rowspan, n_rows - c.row)}) for c in own]
        parts.append(assemble_table(id=f"t{first_number + len(parts)}", title=table.title, cells=cells, n_rows=n_rows,
                                    n_cols=width, header_rows=table.header_rows, pages=table.pages,
                                    orientation=table.orientation, page_rotation=table.page_rotation,
                                    rulings=table.rulings, unit=table.unit, preparer=table.preparer))
    return parts
