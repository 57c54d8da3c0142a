"""CSV import: flat record types, certificates one row per coverage line, and bad rows."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from coisync.ingest import import_files
from coisync.store import Store


def write(path: Path, text: str) -> Path:
    path.write_text(text.lstrip(), encoding="utf-8")
    return path


def test_parties_with_type_option_and_list_cells(store: Store, tmp_path: Path) -> None:
    path = write(
        tmp_path / "parties.csv",
        """
id,kind,legal_name,aliases,tax_id,category,property_ids,active,contact_name,contact_email
v1,vendor,Acme HVAC LLC,Acme|Acme Mechanical,12-3456789,hvac,b1|b2,yes,Sam,sam@acme.example
t1,tenant,Bistro LLC,,,restaurant,,false,,
""",
    )
    summary = import_files(store, [path], record_type="party").summary
    assert summary.problems == [] and summary.types["party"].inserted == 2
    vendor = store.get_party("v1")
    assert vendor is not None
    assert vendor.aliases == ("Acme", "Acme Mechanical") and vendor.property_ids == ("b1", "b2")
    assert vendor.contacts[0].email == "sam@acme.example" and vendor.active is True
    tenant = store.get_party("t1")
    assert tenant is not None and tenant.active is False and tenant.contacts == ()


def test_type_column_mixes_flat_records(store: Store, tmp_path: Path) -> None:
    path = write(
        tmp_path / "mixed.csv",
        """
type,id,name,owner_entity,holder_name,kind,party_id,property_id,start_date,approver,reason,granted_on,finding_codes
property,b1,One Main,One Main Owner LLC,One Main Holder LLC,,,,,,,,
agreement,a1,,,,lease,t1,b1,2026-01-01,,,,
waiver,w1,,,,,t1,,,Risk Manager,Accepted,2026-02-01,limit.below_minimum|holder.name_mismatch
""",
    )
    summary = import_files(store, [path]).summary
    assert summary.problems == []
    prop = store.get_property("b1")
    assert prop is not None and prop.holder.name == "One Main Holder LLC"
    waiver = store.get_waiver("w1")
    assert waiver is not None and waiver.scope.finding_codes == (
        "limit.below_minimum",
        "holder.name_mismatch",
    )
    agreement = store.get_agreement("a1")
    assert agreement is not None and agreement.start_date is not None


def test_certificate_rows_group_into_lines_with_insurer_letters(store: Store, tmp_path: Path) -> None:
    path = write(
        tmp_path / "certs.csv",
        """
certificate_id,party_id,insured_name,holder_name,coverage_type,policy_number,effective_date,expiration_date,insurer_name,naic,additional_insured,each_occurrence,general_aggregate,combined_single_limit,el_each_accident,statutory,other:Any one conveyance
c1,v1,Acme HVAC LLC,One Main Owner LLC,general_liability,GL-1,2026-01-01,2027-01-01,Harbor Mutual,23450,Y,"1,000,000",2000000,,,,
c1,,,,auto_liability,BA-1,2026-01-01,2027-01-01,Keystone Casualty,31127,,,,1000000,,,
c1,,,,workers_compensation,WC-1,2026-01-01,2027-01-01,Harbor Mutual,,,,,,500000,true,
c2,v2,Freight Co,,marine cargo,MC-1,2026-03-01,2027-03-01,Ocean Marine,,,,,,,,250000
""",
    )
    summary = import_files(store, [path], record_type="certificate").summary
    assert summary.problems == [] and summary.types["certificate"].inserted == 2
    cert = store.get_certificate("c1")
    assert cert is not None
    assert [line.coverage_type for line in cert.lines] == [
        "general_liability",
        "auto_liability",
        "workers_compensation",
    ]
    assert [(i.letter, i.name, i.naic) for i in cert.insurers] == [
        ("A", "Harbor Mutual", "23450"),
        ("B", "Keystone Casualty", "31127"),
    ]
    assert [line.insurer_letter for line in cert.lines] == ["A", "B", "A"]
    assert cert.lines[0].limits["each_occurrence"].amount == Decimal(1_000_000)
    assert cert.lines[0].additional_insured is True and cert.lines[2].statutory is True
    assert cert.holder is not None and cert.holder.name == "One Main Owner LLC"
    marine = store.get_certificate("c2")
    assert marine is not None and marine.lines[0].limits["other:Any one conveyance"].amount == Decimal(
        250_000
    )
    again = import_files(store, [path], record_type="certificate").summary
    assert again.rows_written == 0 and again.types["certificate"].unchanged == 2


def test_bad_rows_are_reported_with_their_line_and_field(store: Store, tmp_path: Path) -> None:
    path = write(
        tmp_path / "certs.csv",
        """
certificate_id,party_id,insured_name,coverage_type,effective_date,expiration_date,each_occurrence,el_each_accident
c1,v1,Acme,general_liability,2026-01-01,2027-01-01,1000000,
c1,,,general_liability,2026-13-01,2027-01-01,1000000,
c1,,,general_liability,2026-01-01,2027-01-01,,5
c2,v2,Good Co,general_liability,2026-01-01,2027-01-01,1000000,
c1,,,auto_liability,,,,
""",
    )
    summary = import_files(store, [path], record_type="certificate").summary
    assert summary.types["certificate"].inserted == 1 and summary.types["certificate"].invalid == 2
    where = {(p.line, p.field) for p in summary.problems}
    assert (3, "lines.1.effective_date") in where
    assert (4, "lines.2") in where
    assert (6, "certificate_id") in where
    assert store.get_certificate("c1") is None and store.get_certificate("c2") is not None


def test_unusable_csv_files_are_refused_whole(store: Store, tmp_path: Path) -> None:
    no_type = write(tmp_path / "a.csv", "id,legal_name\np1,X\n")
    unknown_column = write(tmp_path / "b.csv", "id,kind,legal_name,shoe_size\np1,vendor,X,9\n")
    evidence = write(tmp_path / "c.csv", "id\ne1\n")
    report = import_files(store, [no_type], record_type=None)
    assert "pass --type" in report.unreadable[0][1]
    report = import_files(store, [unknown_column], record_type="party")
    assert "shoe_size" in report.unreadable[0][1]
    report = import_files(store, [evidence], record_type="evidence")
    assert "use JSON or JSONL" in report.unreadable[0][1]
    assert store.counts()["party"] == 0
