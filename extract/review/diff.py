"""What changed between two editions (or versions) of a notice.

- document fields (dates, doc number, issuer, addressees, 版记, validity of the standards);
- records matched by their natural keys (the kinds, keys and fields of `extract.record_specs`:
  subsidy standard occupation + level, institution name + field, …): added, removed, and
  changed fields with old and new values;
- tables that map to no record kind: rows matched by their first column(s), changed cells
  with old and new values, rows added and removed;
- the text: headings and paragraphs of both editions aligned in reading order; added,
  removed, and changed paragraphs with the changed characters marked;
- attachments added, removed or retitled.

Every change has a path (`records.subsidy_standards[焊工/一级].subsidy_yuan`)
and comes in a stable order. `extract.review.render` turns a `NoticeDiff` into markdown or HTML.
"""

from __future__ import annotations

import difflib
from typing import Any, Literal

from pydantic import Field

from extract.model import Frozen
from extract.record_specs import RECORD_SPECS, RecordSpec

SIMILAR = 0.5   # paragraphs at least this similar (difflib ratio) are one paragraph, changed
# A removed paragraph is looked for among this many of the added ones that follow in order:
# a reworded paragraph stays near its place, and the window keeps a diff of thousands of
# changed paragraphs linear where comparing every pair was quadratic.
PAIRING_WINDOW = 8

DOCUMENT_FIELDS = ("title", "plan_title", "doc_number", "issuer", "signed_date", "addressees",
                   "contact_phone", "imprint", "copy_to")
VALIDITY_FIELDS = ("valid_from", "valid_until")   # record fields whose distinct dates say how long standards hold


class Change(Frozen):
    path: str
    kind: Literal["added", "removed", "changed"]
    old: Any = None
    new: Any = None
    segments: list[tuple[Literal["=", "-", "+"], str]] | None = Field(
        default=None, description="for text: the characters kept (=), removed (-) and added (+)")


class NoticeDiff(Frozen):
    old: str
    new: str
    old_series: str | None
    new_series: str | None
    same_series: bool
    changes: list[Change]


def diff_notices(old: dict, new: dict, old_label: str = "old", new_label: str = "new",
                 specs: tuple[RecordSpec, ...] = RECORD_SPECS) -> NoticeDiff:
    changes = [*document_changes(old, new, specs), *record_changes(old, new, specs), *attachment_changes(old, new),
               *table_changes(old, new), *text_changes(old, new)]
    return NoticeDiff(old=old_label, new=new_label, old_series=old.get("series"), new_series=new.get("series"),
                      same_series=old.get("series") is not None and old.get("series") == new.get("series"),
                      changes=changes)


# ---------------------------------------------------------------- document fields


def validity(document: dict, field: str = "valid_until", specs: tuple[RecordSpec, ...] = RECORD_SPECS) -> list[str]:
    """The distinct dates of `field` over the notice's records of every kind."""
    dates = {r.get(field) for spec in specs for r in document.get("records", {}).get(spec.kind, [])}
    return sorted(d for d in dates if d)


def document_changes(old: dict, new: dict, specs: tuple[RecordSpec, ...] = RECORD_SPECS) -> list[Change]:
    out = []
    a, b = old.get("document", {}), new.get("document", {})
    for key in DOCUMENT_FIELDS:
        if a.get(key, []) != b.get(key, []) and not (key == "copy_to" and not a.get(key) and not b.get(key)):
            out.append(Change(path=f"document.{key}", kind="changed", old=a.get(key), new=b.get(key)))
    for field in VALIDITY_FIELDS:
        before, after = validity(old, field, specs), validity(new, field, specs)
        if before != after:
            name = "validity" if field == "valid_until" else field
            out.append(Change(path=f"document.{name}", kind="changed", old=before, new=after))
    refs_a = {r["doc_number"]: r for r in a.get("references", [])}
    refs_b = {r["doc_number"]: r for r in b.get("references", [])}
    for number, ref in refs_a.items():
        if number not in refs_b:
            out.append(Change(path=f"document.references[{number}]", kind="removed", old=ref))
        elif ref != refs_b[number]:
            out.append(Change(path=f"document.references[{number}]", kind="changed", old=ref, new=refs_b[number]))
    for number, ref in refs_b.items():
        if number not in refs_a:
            out.append(Change(path=f"document.references[{number}]", kind="added", new=ref))
    return out


# ---------------------------------------------------------------- records


def _keyed(records: list[dict], key_fields: tuple[str, ...]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for record in records:
        key = "/".join(str(record.get(f)) for f in key_fields)
        out.setdefault(key, record)
    return out


def record_changes(old: dict, new: dict, specs: tuple[RecordSpec, ...] = RECORD_SPECS) -> list[Change]:
    out = []
    for spec in specs:
        kind, key_fields = spec.kind, spec.key
        value_fields = spec.compared_fields
        a = _keyed(old.get("records", {}).get(kind, []), key_fields)
        b = _keyed(new.get("records", {}).get(kind, []), key_fields)
        shown = set(key_fields) | set(value_fields)
        for key, record in b.items():
            if key not in a:
                out.append(Change(path=f"records.{kind}[{key}]", kind="added",
                                  new={f: record.get(f) for f in record if f in shown}))
                continue
            for f in value_fields:
                if a[key].get(f) != record.get(f):
                    out.append(Change(path=f"records.{kind}[{key}].{f}", kind="changed",
                                      old=a[key].get(f), new=record.get(f)))
        for key, record in a.items():
            if key not in b:
                out.append(Change(path=f"records.{kind}[{key}]", kind="removed",
                                  old={f: record.get(f) for f in record if f in shown}))
    return out


# ---------------------------------------------------------------- attachments


def attachment_changes(old: dict, new: dict) -> list[Change]:
    a = {x["number"]: x["title"] for x in old.get("attachments", [])}
    b = {x["number"]: x["title"] for x in new.get("attachments", [])}
    out = []
    for number in sorted(set(a) | set(b)):
        if number not in b:
            out.append(Change(path=f"attachments[{number}]", kind="removed", old=a[number]))
        elif number not in a:
            out.append(Change(path=f"attachments[{number}]", kind="added", new=b[number]))
        elif a[number] != b[number]:
            out.append(Change(path=f"attachments[{number}].title", kind="changed", old=a[number], new=b[number],
                              segments=mark_characters(a[number], b[number])))
    return out


# ---------------------------------------------------------------- tables no record kind reads


def _record_tables(document: dict) -> set[str]:
    return {r["source"]["table"] for rows in document.get("records", {}).values() for r in rows
            if isinstance(r, dict) and r.get("source")}


def table_label(table: dict) -> str:
    return table.get("title") or table["id"]


def table_rows(table: dict) -> list[dict[str, str]]:
    """Body rows as {column path: text}, a merged cell's text in every row it covers."""
    n_cols = table["n_cols"]
    grid = [[""] * n_cols for _ in range(table["n_rows"])]
    for cell in table["cells"]:
        for r in range(cell["row"], min(cell["row"] + cell["rowspan"], table["n_rows"])):
            for c in range(cell["col"], min(cell["col"] + cell["colspan"], n_cols)):
                grid[r][c] = cell["text"] or ""
    names = [path or f"column {k + 1}" for k, path in enumerate(table["column_paths"])]
    return [dict(zip(names, row)) for row in grid[table["header_rows"]:]]


def row_keys(rows_a: list[dict[str, str]], rows_b: list[dict[str, str]]) -> int:
    """How many leading columns tell every row apart in both tables (all of them at most)."""
    width = max((len(r) for r in rows_a + rows_b), default=1)
    for k in range(1, width + 1):
        if all(len({tuple(list(r.values())[:k]) for r in rows}) == len(rows) for rows in (rows_a, rows_b)):
            return k
    return width


def table_changes(old: dict, new: dict) -> list[Change]:
    """Tables that no record kind reads, paired by title (or id): rows matched by their first
    column(s); cells changed, rows added and removed."""
    def unmapped(document: dict) -> dict[str, dict]:
        taken = _record_tables(document)
        out: dict[str, dict] = {}
        for table in document.get("tables", []):
            if table["id"] not in taken:
                out.setdefault(table_label(table), table)
        return out

    a, b = unmapped(old), unmapped(new)
    out = []
    for label in [*a, *(x for x in b if x not in a)]:
        path = f"tables[{label}]"
        if label not in b:
            out.append(Change(path=path, kind="removed", old={"rows": a[label]["n_rows"] - a[label]["header_rows"]}))
            continue
        if label not in a:
            out.append(Change(path=path, kind="added", new={"rows": b[label]["n_rows"] - b[label]["header_rows"]}))
            continue
        if a[label]["column_paths"] != b[label]["column_paths"]:
            out.append(Change(path=f"{path}.columns", kind="changed", old=a[label]["column_paths"],
                              new=b[label]["column_paths"]))
        rows_a, rows_b = table_rows(a[label]), table_rows(b[label])
        k = row_keys(rows_a, rows_b)

        def keyed(rows):
            return {"/".join(list(r.values())[:k]): r for r in rows}

        ka, kb = keyed(rows_a), keyed(rows_b)
        for key, row in kb.items():
            if key not in ka:
                out.append(Change(path=f"{path}[{key}]", kind="added", new=row))
                continue
            for column, text in row.items():
                if column in ka[key] and ka[key][column] != text:
                    out.append(Change(path=f"{path}[{key}].{column}", kind="changed", old=ka[key][column], new=text))
        for key, row in ka.items():
            if key not in kb:
                out.append(Change(path=f"{path}[{key}]", kind="removed", old=row))
    return out


# ---------------------------------------------------------------- text


def text_units(document: dict) -> list[tuple[str, str]]:
    """(path, text) of every heading and paragraph in reading order."""
    units = [(f"preamble[{k}]", p["text"]) for k, p in enumerate(document.get("preamble", []))]

    def walk(sections: list[dict], prefix: str) -> None:
        for section in sections:
            label = f"{prefix}{section['number']}"
            units.append((f"sections[{label}].heading", f"{section['number']} {section.get('heading') or ''}".strip()))
            for k, p in enumerate(section.get("paragraphs", [])):
                units.append((f"sections[{label}].paragraphs[{k}]", p["text"]))
            walk(section.get("children", []), f"{label}/")

    walk(document.get("sections", []), "")
    units.extend((f"closing[{k}]", p["text"]) for k, p in enumerate(document.get("closing", [])))
    return units


def mark_characters(old: str, new: str) -> list[tuple[str, str]]:
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(("=", old[i1:i2]))
        else:
            if i2 > i1:
                out.append(("-", old[i1:i2]))
            if j2 > j1:
                out.append(("+", new[j1:j2]))
    return out


def _similar(old: str, new: str) -> bool:
    """At least SIMILAR alike; the cheap upper bounds rule most pairs out first."""
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    return matcher.real_quick_ratio() >= SIMILAR and matcher.quick_ratio() >= SIMILAR and matcher.ratio() >= SIMILAR


def text_changes(old: dict, new: dict) -> list[Change]:
    a, b = text_units(old), text_units(new)
    matcher = difflib.SequenceMatcher(a=[t for _, t in a], b=[t for _, t in b], autojunk=False)
    out = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        olds, news = list(range(i1, i2)), list(range(j1, j2))
        # pair paragraphs in order when they are similar enough to be the same one, reworded
        pairs: list[tuple[int | None, int | None]] = []
        for i in olds:
            best = None
            for j in news[:PAIRING_WINDOW]:
                if _similar(a[i][1], b[j][1]):
                    best = j
                    break
            if best is None:
                pairs.append((i, None))
            else:
                pairs.extend((None, j) for j in news[:news.index(best)])
                pairs.append((i, best))
                news = news[news.index(best) + 1:]
        pairs.extend((None, j) for j in news)
        for i, j in pairs:
            if i is not None and j is not None:
                out.append(Change(path=b[j][0], kind="changed", old=a[i][1], new=b[j][1],
                                  segments=mark_characters(a[i][1], b[j][1])))
            elif i is not None:
                out.append(Change(path=a[i][0], kind="removed", old=a[i][1]))
            else:
                out.append(Change(path=b[j][0], kind="added", new=b[j][1]))
    return out
