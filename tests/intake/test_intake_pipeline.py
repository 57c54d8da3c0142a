"""Intake into the store: trusted and queued documents, versions, provenance, audit, bad input."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from intake_bad_docs import encrypted_pdf, malformed_pdf, many_pages_pdf, scanned_pdf, truncated_pdf
from intake_corpus import render_fillable
from intake_flat import render_flat
from pypdf import PdfReader

from coisync.errors import UsageError
from coisync.intake.files import sources_from
from coisync.intake.mail import Source
from coisync.intake.pipeline import take_in, take_in_all
from coisync.model import Party, PartyKind
from coisync.plugins.hookspecs import hookimpl
from coisync.store import Store
from coisync.store.review import changed_parties, count_intakes, list_intakes


def _party(store: Store, party_id: str, name: str) -> None:
    store.upsert("party", [Party(id=party_id, kind=PartyKind.VENDOR, legal_name=name)])


def _snapshot(store: Store) -> dict[str, Any]:
    with store.engine.connect() as conn:
        documents = conn.execute(sa.text("SELECT count(*) FROM documents")).scalar_one()
        audit = conn.execute(sa.text("SELECT count(*) FROM audit_log")).scalar_one()
        intakes = count_intakes(conn)
    return {"counts": store.counts(), "documents": documents, "audit": audit, "intakes": intakes}


def test_a_fillable_certificate_is_trusted_written_audited_and_kept(store: Store) -> None:
    rendered = render_fillable(0)
    _party(store, "P-1", rendered.expected["insured_name"])
    result = take_in(store, Source("coi.pdf", rendered.content, sender="broker@example.com"))
    assert result.status == "trusted", result.reasons
    assert (result.party_id, result.record_id, result.version) == ("P-1", "P-1:acord25", 1)
    certificate = store.get_certificate("P-1:acord25")
    assert certificate is not None and certificate.provenance is not None
    assert certificate.provenance.source == "intake"
    assert certificate.provenance.sender == "broker@example.com"
    assert certificate.provenance.document_sha256 == result.document_sha256
    document = store.get_document(str(result.document_sha256))
    assert document is not None and document.content == rendered.content
    assert len(PdfReader(io.BytesIO(document.content)).pages) == result.pages == 1
    with store.engine.connect() as conn:
        (row,) = list_intakes(conn)
        assert [p for p, _, _ in changed_parties(conn)] == ["P-1"]
    assert row.status == "trusted" and row.record_version == 1
    sources = {f["source"] for f in row.extraction["fields"]}
    assert sources == {"form_field"}
    named = {f["key"]: f["location"] for f in row.extraction["fields"]}
    assert named["insured.name"] == "NamedInsured_FullName_A"
    (entry,) = [e for e in store.audit.entries() if e.action == "intake.accept"]
    assert entry.subject == "certificate:P-1:acord25"
    assert entry.payload["document_sha256"] == result.document_sha256


def test_a_resubmission_versions_the_certificate_and_keeps_history(store: Store) -> None:
    first, second = render_fillable(2), render_fillable(12)
    name = first.expected["insured_name"]
    assert second.expected["insured_name"] == name
    _party(store, "P-2", name)
    assert take_in(store, Source("v1.pdf", first.content)).version == 1
    again = take_in(store, Source("v1-again.pdf", first.content))
    assert (again.version, again.changed) == (1, False)
    result = take_in(store, Source("v2.pdf", second.content))
    assert (result.status, result.version, result.changed) == ("trusted", 2, True)
    history = store.certificate_history("P-2:acord25")
    assert [h.version for h in history] == [1, 2]
    assert history[0].record.lines[0].policy_number == first.expected["gl_policy"]
    assert history[1].record.lines[0].policy_number == second.expected["gl_policy"]


def test_unknown_and_ambiguous_insureds_go_to_review(store: Store) -> None:
    rendered = render_fillable(3)
    unknown = take_in(store, Source("a.pdf", rendered.content))
    assert unknown.status == "pending" and unknown.party_id is None
    assert any("no party matches" in r for r in unknown.reasons)
    name = rendered.expected["insured_name"]
    _party(store, "P-3a", name)
    _party(store, "P-3b", name.upper())
    ambiguous = take_in(store, Source("a.pdf", rendered.content))
    assert ambiguous.status == "pending"
    assert any("several parties" in r and "P-3a" in r and "P-3b" in r for r in ambiguous.reasons)
    assert store.counts()["certificate"] == 0
    chosen = take_in(store, Source("a.pdf", rendered.content), party_id="P-3b")
    assert chosen.status == "trusted" and chosen.record_id == "P-3b:acord25"


def test_a_doubtful_flattened_certificate_is_queued_not_written(store: Store) -> None:
    seed = 4
    rendered = render_flat(seed, "glyph_o_for_zero")
    _party(store, "P-4", rendered.expected["insured_name"])
    result = take_in(store, Source("scan.pdf", rendered.content))
    assert result.status == "pending"
    assert any("gl.limit.each_occurrence" in r for r in result.reasons)
    assert store.counts()["certificate"] == 0
    assert store.get_document(str(result.document_sha256)) is not None


def test_a_scanned_page_is_queued_with_a_clear_message(store: Store) -> None:
    result = take_in(store, Source("scan.pdf", scanned_pdf()))
    assert result.status == "pending" and result.method == "scan"
    assert any("scanned image without a text layer" in r for r in result.reasons)


def test_an_ocr_plugin_reads_scanned_pages(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from coisync.intake.text_layout import read_words
    from coisync.plugins import get_plugin_manager

    flat = render_flat(105)
    words, _ = read_words(flat.content)

    class FakeOcr:
        @hookimpl
        def extract_certificate_text(self, document: bytes, pages: int) -> list[dict[str, Any]]:
            return [
                {"text": w.text, "x0": w.x0, "x1": w.x1, "top": w.top, "bottom": w.bottom, "page": w.page}
                for w in words
            ]

    manager = get_plugin_manager()
    plugin = FakeOcr()
    manager.register(plugin)
    try:
        _party(store, "P-5", flat.expected["insured_name"])
        result = take_in(store, Source("scan.pdf", scanned_pdf()))
    finally:
        manager.unregister(plugin)
    assert result.method == "text" and result.status == "pending"
    assert result.reasons == ["read by OCR: check the fields before accepting"]
    assert result.party_id == "P-5"


BAD_DOCUMENTS: dict[str, tuple[str, Callable[[], bytes], str]] = {
    "malformed": ("bad.pdf", malformed_pdf, "not a readable PDF"),
    "truncated": ("cut.pdf", truncated_pdf, ""),
    "encrypted": ("locked.pdf", encrypted_pdf, "encrypted"),
    "too-many-pages": ("long.pdf", many_pages_pdf, "51 pages"),
    "text-file": ("notes.pdf", lambda: b"just some text, not a certificate", "is not a PDF"),
    "image": ("photo.png", lambda: b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "is not a PDF"),
    "oversized": ("huge.pdf", lambda: b"%PDF-1.7\n" + b"\0" * (20 * 1024 * 1024), "more than the 20 MB"),
}


@pytest.mark.parametrize("case", list(BAD_DOCUMENTS))
def test_bad_documents_fail_with_one_line_and_store_nothing(store: Store, case: str) -> None:
    name, make, message = BAD_DOCUMENTS[case]
    before = _snapshot(store)
    (result,) = take_in_all(store, [Source(name, make())])
    assert result.status == "error" and result.error is not None
    assert message in result.error and "\n" not in result.error
    assert name in result.error
    assert _snapshot(store) == before


def test_oversized_files_are_refused_before_reading(tmp_path: Path) -> None:
    from coisync.intake.errors import IntakeError

    big = tmp_path / "big.pdf"
    with big.open("wb") as handle:
        handle.write(b"%PDF-1.7\n")
        handle.truncate(20 * 1024 * 1024 + 1)
    with pytest.raises(IntakeError, match="more than the 20 MB"):
        sources_from(big)


def test_an_unknown_party_option_is_a_usage_error(store: Store) -> None:
    with pytest.raises(UsageError, match="no party 'nobody'"):
        take_in_all(store, [Source("a.pdf", render_fillable(0).content)], party_id="nobody")


def test_a_given_party_whose_name_differs_goes_to_review(store: Store) -> None:
    rendered = render_fillable(6)
    _party(store, "P-6", "Somebody Else Entirely LLC")
    result = take_in(store, Source("a.pdf", rendered.content), party_id="P-6")
    assert result.status == "pending" and result.party_id == "P-6"
    assert any("does not match party P-6" in r for r in result.reasons)
    assert store.counts()["certificate"] == 0
