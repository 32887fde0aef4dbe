"""Coordinates in the output can be read from the JSON alone: each page says its displayed
size and /Rotate, each box its frame. Generated tables in every orientation on pages with every
/Rotate, a heading and text beside them: every box, taken back to the displayed page through its
frame, lies on that page around the text it holds."""

from __future__ import annotations

import json

import pytest
from record_notices import write_notice
from table_gen import write_table_pdf
from test_tables import SUBSIDY

from extract.common.geometry import reading_to_display_box
from extract.model import Box
from extract.pipeline import extract_notice, notice_to_checked_json, run_pipeline


def boxes_with_frames(document: dict):
    """(what, provenance) for every provenance in the document."""
    for t in document["tables"]:
        for c in t["cells"]:
            yield f"table {t['id']} cell", c["provenance"], t["orientation"]
    def paragraphs(sections):
        for s in sections:
            yield from s["paragraphs"]
            yield from paragraphs(s["children"])
    for p in [*document["preamble"], *paragraphs(document["sections"]), *document["closing"]]:
        yield "paragraph", p["provenance"], None


@pytest.mark.parametrize("orientation", [0, 90, 180, 270])
@pytest.mark.parametrize("rotation", [0, 90, 270])
def test_every_box_says_its_frame_and_lies_on_its_page(tmp_path, orientation, rotation):
    path = tmp_path / "t.pdf"
    write_table_pdf(path, SUBSIDY, orientation=orientation, rotation=rotation, heading="附件1 补贴标准表")
    run = run_pipeline(path)
    document = json.loads(notice_to_checked_json(run.notice))
    pages = {p["page"]: p for p in document["pages"]}
    assert all(p["rotation"] == rotation and p["width"] > 0 and p["height"] > 0 for p in pages.values())
    source_pages = {p.number: p for p in run.source.pages}
    seen = 0
    for what, provenance, table_orientation in boxes_with_frames(document):
        for place in provenance:
            assert place["frame"] in (0, 90, 180, 270), f"{what} has a box without its frame"
            if table_orientation is not None:
                assert place["frame"] == table_orientation, f"{what}: its frame is the table's reading frame"
            page = pages[place["page"]]
            shown = reading_to_display_box(Box(**place["box"]), place["frame"], page["width"], page["height"])
            assert -1 <= shown.x0 and shown.x1 <= page["width"] + 1 and -1 <= shown.top and shown.bottom <= page["height"] + 1
            # the box, on the displayed page, holds the glyphs of the text it gives
            inside = [g for g in source_pages[place["page"]].glyphs if shown.contains_point(*g.box.center, tolerance=1)]
            assert inside, f"{what}: no glyph inside its box on the displayed page"
            seen += 1
    assert seen > 20


def test_a_sideways_table_in_a_notice_keeps_its_turned_frame_and_the_text_its_own(tmp_path):
    """The Henan shape: a notice with a table printed sideways on a page of its own. The
    table's boxes say frame 90; the notice's paragraphs say 0; page furniture is displayed-page."""
    path = tmp_path / "b.pdf"
    write_notice("B", "pdf", path)
    document = json.loads(notice_to_checked_json(extract_notice(path)))
    frames = {(what.split()[0], place["frame"]) for what, provenance, _ in boxes_with_frames(document)
              for place in provenance}
    assert ("table", 90) in frames and ("paragraph", 0) in frames
    assert not any(what == "table" and frame != 90 for what, frame in frames)
    for item in document["furniture"]:
        page = document["pages"][item["page"] - 1]
        assert item["box"]["x1"] <= page["width"] + 1 and item["box"]["bottom"] <= page["height"] + 1


def test_a_dump_says_no_size_and_no_frame(tmp_path):
    path = tmp_path / "a.txt"
    write_notice("A", "dump", path)
    document = json.loads(notice_to_checked_json(extract_notice(path)))
    assert all(p["width"] is None and p["rotation"] is None for p in document["pages"])
    assert all("frame" not in place for _, provenance, _ in boxes_with_frames(document) for place in provenance)
