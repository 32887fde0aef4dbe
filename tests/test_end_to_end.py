"""The four corpus inputs through the whole pipeline, compared with the truth files.

Fields a truth file leaves out are ones the notice does not have: the contract says they are
null (or []), never guessed, and that is asserted too.
"""

from __future__ import annotations

import json

import pytest
from conftest import RAW, TRUTH

from extract.pipeline import extract_notice, notice_to_checked_json

INPUTS = {
    "henan-2025-digital-talent.pdf": "henan-2025-digital-talent",
    "004_a1dd560e2f797ccc.txt": "henan-2025-digital-talent",
    "yunnan-2023-digital-engineer.pdf": "yunnan-2023-digital-engineer",
    "000_4205ec53f062ffe8.txt": "yunnan-2023-digital-engineer",
}
ABSENT = {"doc_number": None, "issuer": None, "signed_date": None, "addressees": [], "contact_phone": None,
          "imprint": None, "plan_title": None}


@pytest.fixture(scope="module")
def extracted():
    return {name: json.loads(notice_to_checked_json(extract_notice(RAW / name))) for name in INPUTS}


def document_fields(out: dict) -> dict:
    """The document-level fields of a stored notice, under the truth files' names."""
    doc = out["document"]
    return {
        "title": doc["title"],
        "doc_number": doc["doc_number"],
        "issuer": doc["issuer"],
        "signed_date": doc["signed_date"],
        "addressees": doc["addressees"],
        "contact_phone": doc["contact_phone"],
        "imprint": doc["imprint"],
        "plan_title": doc["plan_title"],
        "references": [r["doc_number"] for r in doc["references"]],
        "sections": [s["heading"] for s in out["sections"] if s["level"] == 1],
        "attachments": [{"number": a["number"], "title": a["title"]} for a in out["attachments"]],
    }


@pytest.mark.parametrize("name", INPUTS)
def test_document_fields_match_truth(extracted, name):
    truth = json.loads((TRUTH / f"{INPUTS[name]}.json").read_text(encoding="utf-8"))
    got = document_fields(extracted[name])
    assert got == {key: truth.get(key, ABSENT.get(key)) for key in got}


@pytest.mark.parametrize("name", INPUTS)
def test_source_and_provenance(extracted, name):
    out = extracted[name]
    assert out["source"]["file"] == f"data/raw/{name}"
    assert out["source"]["media_type"] == ("application/pdf" if name.endswith(".pdf") else "text/plain")
    paragraphs = out["preamble"] + [p for s in out["sections"] for p in s["paragraphs"]]
    assert paragraphs
    for p in paragraphs:
        prov = p["provenance"][0]
        if name.endswith(".pdf"):
            assert prov["page"] >= 1 and prov["box"]["x1"] > prov["box"]["x0"]
        else:
            assert prov["lines"]["first"] <= prov["lines"]["last"]
    text = json.dumps(out, ensure_ascii=False)
    assert "(cid:" not in text


def test_attachment_pages_in_pdf(extracted):
    pages = [a["start_page"] for a in extracted["henan-2025-digital-talent.pdf"]["attachments"]]
    assert pages == [8, 9, 12]  # corpus README: 附件1 p.8, 附件2 pp.9-11, 附件3 p.12


@pytest.mark.parametrize("name", ["henan-2025-digital-talent.pdf", "004_a1dd560e2f797ccc.txt"])
def test_henan_records_match_truth(extracted, name):
    truth = json.loads((TRUTH / "henan-2025-digital-talent.json").read_text(encoding="utf-8"))
    records = extracted[name]["records"]
    standards = [{k: v for k, v in s.items() if k not in ("source", "valid_until", "valid_from")}
                 for s in records["subsidy_standards"]]
    assert standards == truth["subsidy_standards"]
    assert {s["valid_until"] for s in records["subsidy_standards"]} == {truth["subsidy_valid_until"]}
    assert {s["valid_from"] for s in records["subsidy_standards"]} == {None}, "the notice gives no start date"
    institutions = [{k: v for k, v in r.items() if k != "source"} for r in records["training_institutions"]]
    assert institutions == truth["training_institutions"]
    assert extracted[name]["errors"] == []
    for record in records["subsidy_standards"] + records["training_institutions"]:
        assert record["source"]["provenance"], "every record points back to its table, row and page"


def test_henan_pdf_tables_shape(extracted):
    tables = extracted["henan-2025-digital-talent.pdf"]["tables"]
    assert [(t["pages"], t["orientation"], t["header_rows"], t["n_cols"]) for t in tables] == [
        ([9, 10, 11], 0, 1, 4), ([12], 90, 2, 8)]
