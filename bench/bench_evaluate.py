"""Benchmark the compliance engine on a synthetic 100k-party portfolio built in memory.

Prints one JSON object per line::

    {"bench": "evaluate", "metric": ..., "value": ..., "unit": ..., "target": ..., "ok": ...}

Metrics:

* ``portfolio_parties``: parties built (deterministic from ``--seed``), as canonical JSON records.
* ``evaluations_per_cpu_second`` (target) and ``evaluations_per_second`` (wall clock, reported
  only: it depends on what else the machine runs): ``evaluate()`` calls over a deterministic sample
  of the portfolio (every k-th party; ``--sample`` parties), with requirements resolved beforehand
  (as a sync run does once per agreement) and the rules collected once.
* ``evaluate_to_load_ratio`` (target, CPU time) and ``evaluate_to_load_wall_ratio``: time to
  evaluate the sample divided by the time to load the same parties' certificates from JSON
  (``Certificate.model_validate_json`` of the same records).

CPU time (``time.process_time``) is the gated measure because the machine is shared: wall-clock
rates moved by 3x between runs while CPU rates stayed within ~40 %. Targets and measurements are
in docs/compliance.md ("Performance"). Run: ``uv run python bench/bench_evaluate.py``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from datetime import date, timedelta
from typing import Any

from coisync.compliance import RatingsTable, TemplateLibrary, default_rules, evaluate, resolve_requirements
from coisync.model import Certificate, Party, PartyKind, Property, RequirementSet

TARGET_EVALUATIONS_PER_CPU_SECOND = 5_000.0
"""Measured 10,500-10,600/cpu-s on the shared 2-core machine (load average ~2.4; 6,000-6,300 before
the engine's fast paths); the gate keeps a 2x margin for a busier machine."""
TARGET_EVALUATE_TO_LOAD_RATIO = 2.5
"""Measured 1.38-1.42x (CPU) at load average ~2.4; the gate leaves room for load noise."""
AS_OF = date(2026, 6, 1)
PROPERTIES = 200
NAICS = ("10001", "10002", "10003", "10004")
KINDS: tuple[tuple[PartyKind, str | None], ...] = (
    (PartyKind.TENANT, None),
    (PartyKind.TENANT, "retail"),
    (PartyKind.TENANT, "restaurant"),
    (PartyKind.VENDOR, "hvac"),
    (PartyKind.VENDOR, "security"),
    (PartyKind.VENDOR, "roofing"),
    (PartyKind.CONTRACTOR, None),
)


CHUNK = 250
"""Certificates loaded, then evaluated, per timing round."""
VARIANTS = 512
"""Distinct certificate shapes; each party's record is one of them with its own ids and names."""


def _money(amount: int) -> dict[str, str]:
    return {"amount": str(amount), "currency": "USD"}


def _line(rnd: random.Random, kind: str, start: date, limits: dict[str, int], **extra: Any) -> dict[str, Any]:
    length = 365 if rnd.random() > 0.03 else 30
    return {
        "coverage_type": kind,
        "insurer_letter": rnd.choice("AB"),
        "policy_number": f"{kind[:2].upper()}-{rnd.randrange(10**7):07d}",
        "effective_date": start.isoformat(),
        "expiration_date": (start + timedelta(days=length)).isoformat(),
        "limits": {key: _money(value) for key, value in limits.items()},
        **extra,
    }


def certificate_variant(rnd: random.Random) -> str:
    """A certificate as canonical JSON with placeholders: mostly good, with realistic defects.

    Placeholders: ``__N__`` (party number), ``__OWNER__`` and ``__MANAGER__`` (the property's names).
    """
    start = AS_OF - timedelta(days=rnd.randrange(0, 350))
    scale = 0.5 if rnd.random() < 0.05 else rnd.choice((1, 1, 1, 2, 5))
    lines = [
        _line(
            rnd,
            "general_liability",
            start,
            {
                "each_occurrence": int(1_000_000 * scale),
                "general_aggregate": int(2_000_000 * scale),
                "products_completed_ops_aggregate": int(2_000_000 * scale),
            },
            basis="occurrence",
            additional_insured=True,
            subrogation_waived=rnd.random() > 0.1,
        ),
        _line(
            rnd,
            "workers_compensation",
            start,
            {
                "el_each_accident": 500_000,
                "el_disease_each_employee": 500_000,
                "el_disease_policy_limit": 500_000,
            },
            statutory=True,
            subrogation_waived=rnd.random() > 0.1,
        ),
    ]
    if rnd.random() > 0.15:
        lines.append(_line(rnd, "auto_liability", start, {"combined_single_limit": 1_000_000}))
    if rnd.random() > 0.3:
        lines.append(
            _line(
                rnd,
                "umbrella",
                start,
                {"each_occurrence": 5_000_000, "aggregate": 5_000_000},
                sits_over=["general_liability", "auto_liability", "workers_compensation"],
            )
        )
    naics = rnd.choices(NAICS, weights=(45, 45, 5, 5), k=2)
    data = {
        "id": "cert-__N__",
        "party_id": "party-__N__",
        "issue_date": start.isoformat(),
        "insured": {"name": "Party __N__ LLC"},
        "insurers": [
            {"letter": "A", "name": "Insurer A", "naic": naics[0]},
            {"letter": "B", "name": "Insurer B", "naic": naics[1]},
        ],
        "holder": {"name": "__OWNER__" if rnd.random() > 0.05 else "Someone Else Holdings LLC"},
        "description_of_operations": (
            "__OWNER__ and __MANAGER__ are additional insureds for ongoing and completed operations per "
            "CG 20 10 and CG 20 37. Primary and non-contributory. Thirty (30) days notice of cancellation."
            if rnd.random() > 0.08
            else "Re: services at the premises."
        ),
        "lines": lines,
    }
    return json.dumps({"format_version": 1, "type": "certificate", "data": data})


PartyRow = tuple[str, PartyKind, "str | None", int, str]
"""(party id, kind, category, property index, certificate JSON record)."""


def build_portfolio(parties: int, seed: int) -> tuple[list[Property], list[PartyRow]]:
    """Properties and one row per party, deterministic from the seed."""
    rnd = random.Random(seed)
    properties = [
        Property(
            id=f"prop-{i:03d}",
            name=f"Building {i}",
            owner_entity=f"Building {i} Owner LLC",
            manager="Harbor Point Management Inc.",
        )
        for i in range(PROPERTIES)
    ]
    variants = [certificate_variant(rnd) for _ in range(VARIANTS)]
    portfolio: list[PartyRow] = []
    for index in range(parties):
        kind, category = KINDS[index % len(KINDS)]
        prop = index % PROPERTIES
        record = (
            variants[rnd.randrange(VARIANTS)]
            .replace("__N__", f"{index:06d}")
            .replace("__OWNER__", properties[prop].owner_entity)
            .replace("__MANAGER__", properties[prop].manager or "")
        )
        portfolio.append((f"party-{index:06d}", kind, category, prop, record))
    return properties, portfolio


def emit(
    metric: str, value: float, unit: str, target: float | None = None, higher_is_better: bool = True
) -> bool:
    """Print one result line; returns whether the target is met (True without a target)."""
    ok = True if target is None else (value >= target if higher_is_better else value <= target)
    line = {
        "bench": "evaluate",
        "metric": metric,
        "value": round(value, 3),
        "unit": unit,
        "target": target,
        "ok": ok,
    }
    print(json.dumps(line), flush=True)
    return ok


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--parties", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=5_000, help="parties evaluated (every k-th one)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    properties, portfolio = build_portfolio(args.parties, args.seed)
    built = time.perf_counter() - started
    emit("portfolio_parties", len(portfolio), "parties")
    emit("portfolio_build_seconds", built, "s")

    step = max(1, len(portfolio) // max(1, args.sample))
    sample = portfolio[::step][: args.sample]
    records = [row[4] for row in sample]

    payloads = [json.dumps(json.loads(record)["data"]) for record in records]  # the envelope's data
    library = TemplateLibrary.builtin()
    resolved: dict[tuple[str, int], tuple[RequirementSet, str]] = {}
    for party_id, kind, category, prop, _ in sample:
        key = (f"{kind.value}:{category or ''}", prop)
        if key not in resolved:
            party = Party(id=party_id, kind=kind, legal_name=f"{party_id} LLC", category=category)
            resolved[key] = resolve_requirements(
                party=party, property=properties[prop], agreement=None, templates=library
            )
    ratings = RatingsTable.from_rows(
        [
            {"naic": "10001", "am_best_rating": "A+", "financial_size_class": "XV"},
            {"naic": "10002", "am_best_rating": "A", "financial_size_class": "XII"},
            {"naic": "10003", "am_best_rating": "B+", "financial_size_class": "VI"},
        ]
    )
    rules = default_rules()
    statuses: Counter[str] = Counter()
    load_seconds = load_cpu = evaluate_seconds = evaluate_cpu = 0.0
    # Load and evaluate chunk by chunk, so both see the same machine load (the machine is shared).
    for begin in range(0, len(sample), CHUNK):
        rows = sample[begin : begin + CHUNK]
        started, cpu_started = time.perf_counter(), time.process_time()
        loaded = [Certificate.model_validate_json(payload) for payload in payloads[begin : begin + CHUNK]]
        load_seconds += time.perf_counter() - started
        load_cpu += time.process_time() - cpu_started
        started, cpu_started = time.perf_counter(), time.process_time()
        for (party_id, kind, category, prop, _), certificate in zip(rows, loaded, strict=True):
            requirements, source = resolved[(f"{kind.value}:{category or ''}", prop)]
            evaluation = evaluate(
                [certificate],
                requirements,
                as_of=AS_OF,
                party_id=party_id,
                ratings=ratings,
                property_id=properties[prop].id,
                requirement_source=source,
                rules=rules,
            )
            statuses[evaluation.status.value] += 1
        evaluate_seconds += time.perf_counter() - started
        evaluate_cpu += time.process_time() - cpu_started

    emit("evaluations_per_second", len(sample) / evaluate_seconds, "evaluations/s")
    ok = emit(
        "evaluations_per_cpu_second",
        len(sample) / evaluate_cpu,
        "evaluations/cpu-s",
        TARGET_EVALUATIONS_PER_CPU_SECOND,
    )
    ok &= emit(
        "evaluate_to_load_ratio",
        evaluate_cpu / load_cpu,
        "x",
        TARGET_EVALUATE_TO_LOAD_RATIO,
        higher_is_better=False,
    )
    emit("evaluate_to_load_wall_ratio", evaluate_seconds / load_seconds, "x")
    emit("load_per_second", len(sample) / load_seconds, "certificates/s")
    for status, count in sorted(statuses.items()):
        emit(f"status_share:{status}", count / len(sample), "fraction")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
