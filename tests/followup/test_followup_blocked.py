"""A party with no e-mail contact: reported once as new (exit 1), listed after, chased once reachable.

Also where a person sees it: `coisync status`, the report and the proof timeline.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from followup_helpers import cli, notify, read_mail
from followup_portfolio import START, party, seed, write_config

from coisync.model import ExternalRef, Party
from coisync.sandbox.smtp import SmtpSink
from coisync.store import Store, open_store


def _unreachable(store: Store) -> None:
    """V4 Dune Roofing: no certificate (deficiency) and a contact without an e-mail."""
    data = {"id": "V4", "kind": "vendor", "legal_name": "Dune Roofing", "property_ids": ["P1"],
            "contacts": [{"name": "Dana Dune", "phone": "555-0100"}]}  # fmt: skip
    store.upsert("party", [Party.model_validate(data, strict=False)])
    ref = {"connection": "procore", "platform_type": "vendor", "platform_id": "4", "entity_kind": "party",
           "entity_id": "V4"}  # fmt: skip
    store.upsert_refs([ExternalRef.model_validate(ref, strict=False)])


def _audit(store: Store, action: str) -> list[dict[str, object]]:
    return [e.payload for e in store.audit.entries() if e.action == action and e.subject == "party:V4"]


def _mailed_parties(paths: list[Path]) -> list[str]:
    return [str(read_mail(p)["X-Coisync-Party"]) for p in paths]


def test_no_contact_is_new_once_listed_after_and_sent_once_an_email_appears(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'coisync.db'}"
    with SmtpSink(tmp_path / "sink") as sink:
        config = write_config(tmp_path, sink.port)
        store = seed(url)
        _unreachable(store)

        # A dry run reports what a real run would find, and records nothing.
        code, dry = notify(config, START, "--dry-run")
        assert code == 1 and [b["party_id"] for b in dry["blocked_parties"]] == ["V4"]
        assert _audit(store, "followup.party.blocked") == []

        code, first = notify(config, START)
        assert code == 1, first
        [block] = first["blocked_parties"]
        assert block["new"] is True and block["channel"] == "email" and block["track"] == "deficiency"
        assert block["message"] == "no contact: add an e-mail for Dune Roofing (V4) in procore"
        assert first["blocked"] == {"email": 1} and first["failed"] == {} and first["sent"] == {"email": 4}
        assert "V4" not in {m["party_id"] for m in first["messages"]}
        [proof] = _audit(store, "followup.party.blocked")
        assert proof["outcome"] == "blocked" and proof["error"] == block["message"]

        # Later runs list it but do not count it again, and send nothing to V4.
        for offset in (1, 2):
            code, later = notify(config, START + timedelta(days=offset))
            assert code == 0, later
            assert [(b["party_id"], b["new"]) for b in later["blocked_parties"]] == [("V4", False)]
            assert later["blocked"] == {"email": 1}
            assert "V4" not in {m["party_id"] for m in later["messages"]}
        assert len(_audit(store, "followup.party.blocked")) == 1
        assert "V4" not in _mailed_parties(sink.messages())

        code, text = cli(config, "notify", "--as-of", (START + timedelta(days=3)).isoformat())
        assert code == 0
        text = " ".join(text.split())  # the console wraps long lines
        assert (
            "BLOCKED party V4 via email since 2027-01-01" in text
            and "add an e-mail for Dune Roofing (V4) in procore" in text
        )

        # An e-mail contact appears: the block goes (audited) and the due reminder goes out.
        store.upsert("party", [party("V4", "Dune Roofing")])
        seen = len(sink.messages())
        code, fixed = notify(config, START + timedelta(days=5))
        assert code == 0, fixed
        assert fixed["blocked_parties"] == [] and fixed["blocked"] == {}
        new = [read_mail(p) for p in sink.messages()[seen:]]
        mail = [m for m in new if str(m["X-Coisync-Party"]) == "V4"]
        assert [(str(m["To"]), str(m["X-Coisync-Step"])) for m in mail] == [
            ("v4@example.com", "deficiency 3")
        ]
        [cleared] = _audit(store, "followup.party.unblocked")
        assert cleared["outcome"] == "contact_added" and cleared["recipients"] == ["v4@example.com"]
        store.close()


def test_blocked_party_shows_in_status_the_report_and_the_proof_timeline(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'coisync.db'}"
    with SmtpSink(tmp_path / "sink") as sink:
        config = write_config(tmp_path, sink.port)
        store = seed(url)
        _unreachable(store)
        store.close()
        assert notify(config, START)[0] == 1
    code, out = cli(config, "status", "--as-of", START.isoformat(), "--json")
    assert code == 3
    blocked = json.loads(out)["followup_blocked"]
    assert [(b["party_id"], b["message"]) for b in blocked] == [
        ("V4", "no contact: add an e-mail for Dune Roofing (V4) in procore")
    ]
    code, text = cli(config, "status", "--as-of", START.isoformat(), "--party", "V1")
    assert "Dune Roofing" not in text  # only the parties asked about
    code, text = cli(config, "status", "--as-of", START.isoformat())
    text = " ".join(text.split())
    assert "no contact: add an e-mail for Dune Roofing (V4) in procore" in text
    code, out = cli(config, "report", "--as-of", START.isoformat(), "--json")
    assert code == 0
    assert json.loads(out)["followup_blocked"] == [
        {"party_id": "V4", "party_name": "Dune Roofing", "channel": "email", "since": "2027-01-01",
         "message": "no contact: add an e-mail for Dune Roofing (V4) in procore"}
    ]  # fmt: skip
    code, _ = cli(config, "report", "--as-of", START.isoformat(), "-o", str(tmp_path / "report.html"))
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert code == 0 and "Follow-up blocked: no contact" in page and "Dune Roofing (V4) in procore" in page
    code, _ = cli(config, "audit", "export", "--party", "V4", "--output", str(tmp_path / "proof"))
    assert code == 0
    html = (tmp_path / "proof" / "followup-proof-V4.html").read_text(encoding="utf-8")
    assert "followup.party.blocked" in html and "add an e-mail for Dune Roofing (V4) in procore" in html
    store = open_store(url)
    assert store.audit.verify().ok
    store.close()
