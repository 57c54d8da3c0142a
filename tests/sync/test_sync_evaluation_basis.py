"""Evaluation redoes only what changed: a run with nothing new judges no party, and a change of
the portfolio settings (here the expiring windows) judges every party again, once."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sync_rig import AS_OF, InProcessRig

from coisync.portfolio import PortfolioSettings
from coisync.store import open_store
from coisync.sync.evaluate import evaluate_changed


def test_settings_change_rejudges_every_party_once(tmp_path: Path) -> None:
    rig = InProcessRig(tmp_path)
    rig.seed(6, 2)
    rig.run()
    rig.run()  # reads back its own writes
    assert rig.run().evaluated == 0, "nothing changed: no party is judged again"

    store = open_store(rig.db_url)
    try:
        settings = PortfolioSettings.defaults()
        assert evaluate_changed(store, settings, as_of=AS_OF).evaluated == 0
        wider = replace(settings, windows=(*settings.windows, 120))
        assert evaluate_changed(store, wider, as_of=AS_OF).evaluated == 6
        assert evaluate_changed(store, wider, as_of=AS_OF).evaluated == 0
    finally:
        store.close()
