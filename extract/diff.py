"""What changed between two editions (or versions) of a notice.

- document fields (dates, doc number, issuer, addressees, 版记, validity of the standards);
- records matched by their natural keys (subsidy standard: occupation + level; institution:
  name + field): added, removed, and changed fields with old and new values;
- the text: headings and paragraphs of both editions aligned in reading order; added,
  removed, and changed paragraphs with the changed characters marked;
- attachments added, removed or retitled.

Every change has a path (`records.subsidy_standards[焊工/一级].subsidy_yuan`)
and comes in a stable order. `extract.diff_render` turns a `NoticeDiff` into markdown or HTML.
"""

from __future__ import annotations

import difflib
from typing import Any, Literal

from pydantic import Field

from extract.model import Frozen

SIMILAR = 0.5   # paragraphs at least this similar (difflib ratio) are one paragraph, changed

DOCUMENT_FIELDS = ("title", "plan_title", "doc_number", "issuer", "signed_date", "addressees",
                   "contact_phone", "imprint")
RECORD_KINDS = {
    "subsidy_standards": (("occupation", "level"), ("occupation_code", "training_hours", "subsidy_yuan")),
    "training_institutions": (("name", "field"), ("seq", "batch")),
}


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


def diff_notices(old: dict, new: dict, old_label: str = "old", new_label: str = "new") -> NoticeDiff:
    changes = [*document_changes(old, new), *record_changes(old, new), *attachment_changes(old, new),
               *text_changes(old, new)]
    return NoticeDiff(old=old_label, new=new_label, old_series=old.get("series"), new_series=new.get("series"),
                      same_series=old.get("series") is not None and old.get("series") == new.get("series"),
                      changes=changes)


# ---------------------------------------------------------------- document fields


def validity(document: dict) -> list[str]:
    """The distinct end dates of the notice's subsidy standards."""
    dates = {r.get("valid_until") for r in document.get("records", {}).get("subsidy_standards", [])}
    return sorted(d for d in dates if d)


def document_changes(old: dict, new: dict) -> list[Change]:
    out = []
    a, b = old.get("document", {}), new.get("document", {})
    for key in DOCUMENT_FIELDS:
        if a.get(key) != b.get(key):
            out.append(Change(path=f"document.{key}", kind="changed", old=a.get(key), new=b.get(key)))
    if validity(old) != validity(new):
        out.append(Change(path="document.validity", kind="changed", old=validity(old), new=validity(new)))
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


def record_changes(old: dict, new: dict) -> list[Change]:
    out = []
    for kind, (key_fields, value_fields) in RECORD_KINDS.items():
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
            for j in news:
                if difflib.SequenceMatcher(a=a[i][1], b=b[j][1], autojunk=False).ratio() >= SIMILAR:
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
