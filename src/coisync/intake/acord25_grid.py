"""The coverages grid of a flattened ACORD 25: columns, coverage bands, check marks and limits.

Columns come from the header row; a band starts at its type of insurance (or, for "other"
lines, at a row with a policy number). Limit labels are matched to canonical keys with
rapidfuzz; a loose match, a value overflowing its column or a doubled value lowers the
confidence below the threshold.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rapidfuzz import fuzz

from coisync.intake.extracted import Extraction, FieldValue
from coisync.intake.text_layout import Cell, Layout, Line
from coisync.intake.values import PARSERS

_I = re.IGNORECASE
GRID_HEADER = re.compile(r"POLICY\s+NUMBER", _I)
DESCRIPTION = re.compile(r"^DESCRIPTION OF OPERATIONS", _I)

COLUMNS = {
    "letter": re.compile(r"^INSR", _I),
    "type": re.compile(r"^TYPE OF INSURANCE", _I),
    "ai": re.compile(r"^ADDL", _I),
    "wvd": re.compile(r"^SUBR", _I),
    "policy": GRID_HEADER,
    "eff": re.compile(r"^POLICY EFF", _I),
    "exp": re.compile(r"^POLICY EXP", _I),
    "limits": re.compile(r"^LIMITS", _I),
}
BANDS = (
    ("gl", re.compile(r"GENERAL LIABILITY", _I)),
    ("auto", re.compile(r"AUTOMOBILE LIABILITY", _I)),
    ("umbrella", re.compile(r"\bUMBRELLA LIAB|\bEXCESS LIAB", _I)),
    ("wc", re.compile(r"WORKERS COMPENSATION", _I)),
)
LIMIT_LABELS: dict[str, dict[str, str]] = {
    "gl": {
        "EACH OCCURRENCE": "each_occurrence",
        "DAMAGE TO RENTED PREMISES EA OCCURRENCE": "damage_to_rented_premises",
        "MED EXP ANY ONE PERSON": "medical_expense",
        "PERSONAL ADV INJURY": "personal_advertising_injury",
        "GENERAL AGGREGATE": "general_aggregate",
        "PRODUCTS COMP OP AGG": "products_completed_ops_aggregate",
    },
    "auto": {
        "COMBINED SINGLE LIMIT EA ACCIDENT": "combined_single_limit",
        "BODILY INJURY PER PERSON": "bodily_injury_per_person",
        "BODILY INJURY PER ACCIDENT": "bodily_injury_per_accident",
        "PROPERTY DAMAGE PER ACCIDENT": "property_damage",
    },
    "umbrella": {"EACH OCCURRENCE": "each_occurrence", "AGGREGATE": "aggregate"},
    "wc": {
        "EL EACH ACCIDENT": "el_each_accident",
        "EL DISEASE EA EMPLOYEE": "el_disease_each_employee",
        "EL DISEASE POLICY LIMIT": "el_disease_policy_limit",
    },
}
OPTIONS: dict[str, dict[str, str]] = {
    "gl": {"CLAIMS-MADE": "gl.claims_made", "OCCUR": "gl.occurrence", "POLICY": "gl.aggregate_per.policy",
           "PROJECT": "gl.aggregate_per.project", "PRO-JECT": "gl.aggregate_per.project",
           "LOC": "gl.aggregate_per.location"},
    "auto": {"ANY": "auto.symbol.any_auto", "OWNED": "auto.symbol.owned", "SCHEDULED": "auto.symbol.scheduled",
             "HIRED": "auto.symbol.hired", "NON-OWNED": "auto.symbol.non_owned"},
    "umbrella": {"UMBRELLA": "umbrella.is_umbrella", "EXCESS": "umbrella.is_excess", "OCCUR": "umbrella.occurrence",
                 "CLAIMS-MADE": "umbrella.claims_made", "DED": "umbrella.deductible_marked",
                 "RETENTION": "umbrella.retention_marked"},
    "wc": {"PER": "wc.per_statute"},
}  # fmt: skip
MARKS = frozenset({"X", "x", "✓", "✔"})
HEADER_SPAN = 9.0
"""Header lines of the grid lie within this many points of the POLICY NUMBER label."""
EXACT_LABEL = 92.0
LOOSE_LABEL = 80.0


@dataclass
class Band:
    """One coverage row of the grid: its prefix and lines."""

    prefix: str
    lines: list[Line]


class FieldReader:
    """Writes text-layer fields into an extraction, each with its confidence and position."""

    def __init__(self, layout: Layout, out: Extraction) -> None:
        self.layout = layout
        self.out = out

    def put(
        self, key: str, raw: str, cell: Cell | None, confidence: float = 1.0, kind: str | None = None
    ) -> None:
        kind = kind or _kind(key)
        value, parsed = PARSERS[kind](raw)
        if value is None and parsed == 1.0:
            return
        where = cell.where() if cell is not None else "text layer"
        self.out.put(FieldValue(key, kind, value, raw, min(confidence, parsed) * 0.98, "text", where))

    # header -------------------------------------------------------------------------------


class GridReader(FieldReader):
    """Reads the coverages grid below the header row."""

    def grid(self, grid_top: float) -> None:
        lay = self.layout
        header_lines = [ln for ln in lay.lines if abs(ln.top - grid_top) < HEADER_SPAN]
        header_cells = [c for ln in header_lines for c in ln.cells]
        columns: dict[str, float] = {}
        for name, pattern in COLUMNS.items():
            hit = next((c for c in sorted(header_cells, key=lambda c: c.x0) if pattern.search(c.text)), None)
            if hit is not None and name not in columns:
                columns[name] = hit.x0
        missing = [n for n in ("letter", "type", "policy", "eff", "exp", "limits") if n not in columns]
        if missing:
            self.out.reasons.append(f"the coverages grid has no {', '.join(missing)} column")
            return
        bottom = lay.find(DESCRIPTION, below=grid_top)
        end = bottom[0].top if bottom else 1e9
        header_bottom = max(ln.top for ln in header_lines)
        rows = [ln for ln in lay.lines if header_bottom < ln.top < end]
        for band in _bands(rows, columns):
            self.band(band, columns)

    def band(self, band: Band, columns: dict[str, float]) -> None:
        p = band.prefix
        order = sorted(columns.items(), key=lambda kv: kv[1])

        def column_of(cell: Cell) -> tuple[str, float]:
            name, start = "", -1.0
            for col, x in order:
                if cell.x0 >= x - 3:
                    name, start = col, x
            nxt = [x for _, x in order if x > start]
            fits = 1.0 if not nxt or name in ("type", "limits") or cell.x1 <= min(nxt) + 2 else 0.5
            return name, fits

        seen: dict[str, list[tuple[Cell, float]]] = {}
        for line in band.lines:
            for cell in line.cells:
                col, fits = column_of(cell)
                seen.setdefault(col, []).append((cell, fits))
        for col, key in (
            ("letter", "insurer_letter"),
            ("policy", "policy_number"),
            ("eff", "effective_date"),
            ("exp", "expiration_date"),
        ):
            found = seen.get(col, [])
            if not found:
                self.out.reasons.append(f"{p}: no {key.replace('_', ' ')} found in the grid")
                continue
            cell, fits = found[0]
            self.put(f"{p}.{key}", cell.text, cell, fits if len(found) == 1 else 0.5)
        for col, key in (("ai", "additional_insured"), ("wvd", "subrogation_waived")):
            marks = seen.get(col, [])
            if p == "wc" and col == "ai":
                if marks:
                    self.put("wc.officers_excluded", marks[-1][0].text, marks[-1][0], marks[-1][1], "yes_no")
                continue
            if marks:
                self.put(
                    f"{p}.{key}",
                    marks[0][0].text,
                    marks[0][0],
                    marks[0][1] if len(marks) == 1 else 0.5,
                    "yes_no",
                )
        if p == "other":
            type_cells = seen.get("type", [])
            if type_cells:
                self.put("other.type", type_cells[0][0].text, type_cells[0][0])
        self.options(band)
        self.limits(band, seen.get("limits", []))

    def options(self, band: Band) -> None:
        table = OPTIONS.get(band.prefix, {})
        if not table:
            return
        for line in band.lines:
            words = line.words
            for index, word in enumerate(words):
                key = table.get(word.text.upper().rstrip(":"))
                if key is None or (
                    band.prefix == "auto"
                    and word.text.upper() == "OWNED"
                    and index
                    and words[index - 1].text.upper() == "NON-"
                ):
                    continue
                previous = words[index - 1] if index else None
                marked = previous is not None and previous.text in MARKS and word.x0 - previous.x1 < 30
                confidence = 1.0 if not marked or word.x0 - previous.x1 < 12 else 0.7  # type: ignore[union-attr]
                if key not in self.out.fields or marked:
                    cell = Cell([word])
                    self.out.put(
                        FieldValue(
                            key,
                            "check",
                            marked,
                            "X" if marked else "",
                            confidence * 0.98,
                            "text",
                            cell.where(),
                        )
                    )
            if band.prefix == "umbrella":
                for index, word in enumerate(words):
                    if word.text.upper() == "RETENTION" or word.text.upper() == "DED":
                        amount = [w for w in words[index + 1 :] if w.text != "$"][:1]
                        if amount and PARSERS["money"](amount[0].text)[0] is not None:
                            self.put("umbrella.retention_amount", amount[0].text, Cell(amount))

    def limits(self, band: Band, cells: list[tuple[Cell, float]]) -> None:
        labels = LIMIT_LABELS.get(band.prefix)
        pending: Cell | None = None
        slot = iter("ABC")
        for cell in _split_amounts(c for c, _ in sorted(cells, key=lambda item: (item[0].top, item[0].x0))):
            text = cell.text.strip()
            money_text = text.lstrip("$").strip()
            amount, _ = PARSERS["money"](money_text)
            is_amount = amount is not None or (
                re.fullmatch(r"[\d$,.OoIl ]+[MK]{0,2}", text) is not None and any(ch.isdigit() for ch in text)
            )
            if not is_amount:
                pending = cell if text not in ("$",) else pending
                continue
            if pending is None or abs(pending.top - cell.top) > 3:
                if band.prefix == "umbrella" and text:
                    continue
                self.out.reasons.append(f"{band.prefix}: an amount at {cell.where()} has no limit label")
                continue
            label, pending = pending, None
            if labels is None:
                letter = next(slot, None)
                if letter is not None:
                    self.put(f"other.limit_label.{letter}", label.text, label)
                    self.put(f"other.limit_amount.{letter}", money_text, cell)
                continue
            key, score = _best_label(label.text, labels)
            if key is None:
                self.out.reasons.append(f"{band.prefix}: limit label {label.text!r} is not recognised")
                continue
            self.put(f"{band.prefix}.limit.{key}", money_text, cell, 1.0 if score >= EXACT_LABEL else 0.6)


AMOUNT_WORD = re.compile(r"^\$?[\d,.]+[MK]{0,2}$|^\$$", _I)


def _split_amounts(cells: Iterable[Cell]) -> Iterator[Cell]:
    """Cells with a label and an amount run together ("GENERAL AGGREGATE $2,000,000") split in two."""
    for cell in cells:
        words = cell.words
        cut = len(words)
        while cut > 0 and AMOUNT_WORD.match(words[cut - 1].text):
            cut -= 1
        if 0 < cut < len(words) and any(ch.isdigit() for w in words[cut:] for ch in w.text):
            yield Cell(words[:cut])
            yield Cell(words[cut:])
        else:
            yield cell


def _normal_label(text: str) -> str:
    return " ".join(re.sub(r"[^A-Z0-9]+", " ", text.upper().replace("E.L.", "EL")).split())


def _best_label(text: str, labels: dict[str, str]) -> tuple[str | None, float]:
    normal = _normal_label(text)
    scored = sorted(((fuzz.ratio(normal, label), key) for label, key in labels.items()), reverse=True)
    if not scored or scored[0][0] < LOOSE_LABEL:
        return None, 0.0
    if len(scored) > 1 and scored[0][0] - scored[1][0] < 5:
        return scored[0][1], min(scored[0][0], LOOSE_LABEL)
    return scored[0][1], scored[0][0]


def _bands(rows: list[Line], columns: dict[str, float]) -> list[Band]:
    type_start, type_end = columns["type"], columns.get("ai", columns["policy"])
    bands: list[Band] = []
    for line in rows:
        type_text = " ".join(c.text for c in line.cells if type_start - 3 <= c.x0 < type_end - 3)
        prefix = next((name for name, pattern in BANDS if pattern.search(type_text)), None)
        has_policy = any(columns["policy"] - 3 <= c.x0 < columns["eff"] - 3 for c in line.cells)
        if prefix == "umbrella" and bands and bands[-1].prefix == "umbrella":
            prefix = None  # "UMBRELLA LIAB" and "EXCESS LIAB" sit on two lines of one band
        if prefix is None and has_policy and type_text:
            prefix = "other"
        if prefix is not None and not any(b.prefix == prefix for b in bands):
            bands.append(Band(prefix, [line]))
        elif bands:
            bands[-1].lines.append(line)
    return bands


def _kind(key: str) -> str:
    if key.endswith("_date") or key == "issue_date":
        return "date"
    if ".limit." in key or key.endswith("retention_amount") or key.startswith("other.limit_amount"):
        return "money"
    if key.endswith(".naic"):
        return "naic"
    if key.endswith("insurer_letter"):
        return "letter"
    return "text"
