"""A `NoticeDiff` for machines (JSON) and for people (markdown, and HTML as one self-contained
file a reviewer opens in a browser). Control characters a stored document may hold (from a
hand edit, or a version written before the load stage removed them) are escaped in all three
(`extract.common.text.printable`): a diff printed to a terminal cannot steer it."""

from __future__ import annotations

import html

from extract.common.json_text import to_json
from extract.common.text import printable, safe_for_json
from extract.record_specs import RECORD_SPECS, RecordSpec
from extract.review.diff import Change, NoticeDiff


def groups(specs: tuple[RecordSpec, ...] = RECORD_SPECS) -> tuple[tuple[str, str], ...]:
    """(path prefix, heading) of each part of a rendered diff; one part per record kind."""
    return (("document.", "Document"),
            *((f"records.{spec.kind}[", spec.title) for spec in specs),
            ("attachments", "Attachments"), ("tables[", "Tables"), ("", "Text"))


def grouped(diff: NoticeDiff, specs: tuple[RecordSpec, ...] = RECORD_SPECS) -> list[tuple[str, list[Change]]]:
    out: list[tuple[str, list[Change]]] = []
    taken: set[int] = set()
    for prefix, title in groups(specs):
        members = [c for k, c in enumerate(diff.changes) if k not in taken and c.path.startswith(prefix)]
        taken.update(k for k, c in enumerate(diff.changes) if c in members)
        if members:
            out.append((title, members))
    return out


def to_json_text(diff: NoticeDiff, specs: tuple[RecordSpec, ...] = RECORD_SPECS) -> str:
    return to_json(safe_for_json(diff.model_dump(mode="json")))


def _value(value) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    return "—" if value is None else str(value)


def _series_line(diff: NoticeDiff) -> str:
    if diff.same_series:
        return f"Same series: `{diff.new_series}`."
    return f"Different series: `{diff.old_series}` and `{diff.new_series}`."


def to_markdown(diff: NoticeDiff, specs: tuple[RecordSpec, ...] = RECORD_SPECS) -> str:
    lines = [f"# Changes from {diff.old} to {diff.new}", "", _series_line(diff), ""]
    if not diff.changes:
        lines.append("No differences.")
    for title, changes in grouped(diff, specs):
        lines += [f"## {title}", ""]
        for c in changes:
            if c.segments is not None:
                marked = "".join(text if op == "=" else f"~~{text}~~" if op == "-" else f"**{text}**"
                                 for op, text in c.segments)
                lines.append(f"- `{c.path}` changed: {marked}")
            elif c.kind == "changed":
                lines.append(f"- `{c.path}`: {_value(c.old)} → {_value(c.new)}")
            elif c.kind == "added":
                lines.append(f"- `{c.path}` added: {_value(c.new)}")
            else:
                lines.append(f"- `{c.path}` removed: {_value(c.old)}")
        lines.append("")
    return "\n".join(printable(line) for line in lines).rstrip() + "\n"


STYLE = """
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 2em auto; max-width: 60em;
       color: #222; line-height: 1.6; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; border-bottom: 1px solid #ccc; margin-top: 1.6em; }
table { border-collapse: collapse; width: 100%; } td, th { border: 1px solid #ddd; padding: .3em .5em;
       vertical-align: top; text-align: left; } th { background: #f4f4f4; }
code { font-size: .85em; color: #555; } del { background: #fdd; color: #900; } ins { background: #dfd;
       color: #060; text-decoration: none; } .kind { font-weight: bold; } .series { color: #555; }
"""


def to_html(diff: NoticeDiff, specs: tuple[RecordSpec, ...] = RECORD_SPECS) -> str:
    def e(text: str) -> str:
        return html.escape(printable(text))

    parts = ["<!DOCTYPE html>", '<html lang="zh"><head><meta charset="utf-8">',
             f"<title>{e(diff.old)} → {e(diff.new)}</title><style>{STYLE}</style></head><body>",
             f"<h1>Changes from {e(diff.old)} to {e(diff.new)}</h1>",
             f'<p class="series">{e(_series_line(diff).replace("`", ""))}</p>']
    if not diff.changes:
        parts.append("<p>No differences.</p>")
    for title, changes in grouped(diff, specs):
        parts.append(f"<h2>{e(title)}</h2><table><tr><th>where</th><th>change</th><th>old</th><th>new</th></tr>")
        for c in changes:
            if c.segments is not None:
                marked = "".join(e(t) if op == "=" else f"<del>{e(t)}</del>" if op == "-" else f"<ins>{e(t)}</ins>"
                                 for op, t in c.segments)
                parts.append(f'<tr><td><code>{e(c.path)}</code></td><td class="kind">{c.kind}</td>'
                             f'<td colspan="2">{marked}</td></tr>')
            else:
                parts.append(f'<tr><td><code>{e(c.path)}</code></td><td class="kind">{c.kind}</td>'
                             f"<td>{'' if c.old is None else '<del>' + e(_value(c.old)) + '</del>'}</td>"
                             f"<td>{'' if c.new is None else '<ins>' + e(_value(c.new)) + '</ins>'}</td></tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


RENDERERS = {"json": to_json_text, "markdown": to_markdown, "html": to_html}
