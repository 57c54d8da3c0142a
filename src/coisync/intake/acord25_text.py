"""Parsing a flattened ACORD 25 from positioned words: header blocks and the coverages grid.

Columns are found from the grid's header row (INSR LTR, ADDL INSD, SUBR WVD, POLICY NUMBER,
POLICY EFF, POLICY EXP, LIMITS); each coverage band starts at its type of insurance. Every value
gets a confidence from how cleanly it parsed, how exactly its label matched and whether it sat
inside its column; anything doubtful stays below the threshold, so the certificate goes to review.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from coisync.intake.extracted import Extraction, FieldValue
from coisync.intake.text_layout import LINE_TOLERANCE, Cell, Layout, Line, Word, cells_text, group_lines
from coisync.intake.values import PARSERS

_I = re.IGNORECASE
INSURED = re.compile(r"^INSURED$", _I)
PRODUCER = re.compile(r"^PRODUCER$", _I)
INSURER_ROW = re.compile(r"^INSURER\s+([A-F])\s*:?", _I)
GRID_HEADER = re.compile(r"POLICY\s+NUMBER", _I)
DESCRIPTION = re.compile(r"^DESCRIPTION OF OPERATIONS", _I)
HOLDER = re.compile(r"^CERTIFICATE HOLDER$", _I)
CANCELLATION = re.compile(r"^CANCELLATION$", _I)
EVIDENCE_28 = re.compile(r"EVIDENCE OF (COMMERCIAL )?PROPERTY", _I)
HEADER_VALUES = {
    "certificate_number": re.compile(r"CERTIFICATE NUMBER:", _I),
    "revision_number": re.compile(r"REVISION NUMBER:", _I),
    "producer.contact": re.compile(r"^CONTACT NAME:", _I),
    "producer.phone": re.compile(r"^PHONE(?: \(A/C, No, Ext\))?:", _I),
    "producer.email": re.compile(r"^E-MAIL(?: ADDRESS)?:", _I),
}
ISSUE_DATE = re.compile(r"^DATE \(MM/DD/YYYY\)$", _I)
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
LABEL_LIKE = re.compile(r"\b[A-Z][A-Z ]{3,}:")
HEADER_SPAN = 9.0
"""Header lines of the grid lie within this many points of the POLICY NUMBER label."""
EXACT_LABEL = 92.0
LOOSE_LABEL = 80.0


@dataclass
class Band:
    """One coverage row of the grid: its prefix and lines."""

    prefix: str
    lines: list[Line]


class _Reader:
    def __init__(self, lines: list[Line]) -> None:
        self.layout = Layout(lines)
        self.out = Extraction(form="acord25", method="text")

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
    def header(self) -> tuple[float, float]:
        lay = self.layout
        found = lay.find(ISSUE_DATE)
        if found is not None:
            _, label = found
            below = [
                c
                for c in lay.between(label.top + 1, label.top + 25)
                if c.x1 >= label.x0 - 20 and c.x0 <= label.x1 + 40
            ]
            if below:
                self.put("issue_date", below[0].text, below[0], 1.0 if len(below) == 1 else 0.5)
        for key, pattern in HEADER_VALUES.items():
            cell = lay.value_after(pattern)
            if cell is not None:
                self.put(key, cell.text, cell)
        split = min(
            (
                c.x0
                for ln in lay.lines
                for c in ln.cells
                if INSURER_ROW.search(c.text) or HEADER_VALUES["producer.contact"].search(c.text)
            ),
            default=300.0,
        )
        producer, insured = lay.find(PRODUCER), lay.find(INSURED)
        grid = lay.find(GRID_HEADER)
        grid_top = grid[0].top if grid else 1e9
        coverages = lay.find(re.compile(r"^COVERAGES$", _I))
        insured_end = coverages[0].top if coverages else grid_top
        if producer is not None:
            end = insured[0].top if insured else grid_top
            self.block(
                "producer",
                lay.between(producer[0].top - 1, end - LINE_TOLERANCE, x_max=split - 2),
                producer[1],
            )
        if insured is not None:
            self.block(
                "insured",
                lay.between(insured[0].top - 1, insured_end - LINE_TOLERANCE, x_max=split - 2),
                insured[1],
            )
        for line in lay.lines:
            if line.top >= grid_top:
                break
            for index, cell in enumerate(line.cells):
                match = INSURER_ROW.search(cell.text)
                if match is None:
                    continue
                letter = match.group(1).upper()
                rest = cell.text[match.end() :].strip()
                tail = line.cells[index + 1 :]
                naic = tail[-1] if tail and re.fullmatch(r"\d{5}", tail[-1].text) else None
                name_cells = [c for c in tail if c is not naic]
                name = " ".join([rest, *(c.text for c in name_cells)]).strip()
                if name:
                    self.put(f"insurer.{letter}.name", name, name_cells[0] if name_cells else cell)
                if naic is not None:
                    self.put(f"insurer.{letter}.naic", naic.text, naic)
        return grid_top, split

    def block(self, prefix: str, cells: list[Cell], label: Cell) -> None:
        body = [c for c in cells if c is not label and not (c.top <= label.top + 1 and c.x1 <= label.x1 + 1)]
        lines = [ln for ln in cells_text(body).splitlines() if ln.strip()]
        if not lines:
            return
        confidence = 1.0 if len(lines) <= 4 else 0.6
        if any(LABEL_LIKE.search(line) for line in lines):
            confidence = 0.5  # a form label inside the block: the block's edges were not found
        first = min(body, key=lambda c: (c.top, c.x0))
        self.put(f"{prefix}.name", lines[0], first, confidence)
        if len(lines) > 1:
            self.put(f"{prefix}.address", ", ".join(lines[1:]), first, confidence)

    # grid ---------------------------------------------------------------------------------
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


def parse_acord25(words: Sequence[Word]) -> Extraction | None:
    """The fields of a flattened ACORD 25 page, or None when the words are not one."""
    lines = group_lines(words, page=1)
    layout = Layout(lines)
    if layout.find(EVIDENCE_28) is not None:
        extraction = Extraction(form="acord28", method="text")
        extraction.reasons.append("flattened ACORD 28: enter its fields with 'coisync review correct'")
        return extraction
    if layout.find(INSURED) is None or layout.find(GRID_HEADER) is None:
        return None
    reader = _Reader(lines)
    grid_top, split = reader.header()
    reader.grid(grid_top)
    description = layout.find(DESCRIPTION)
    holder = layout.find(HOLDER)
    if description is not None:
        end = holder[0].top if holder else 1e9
        cells = layout.between(description[0].top + 1, end)
        text = cells_text(cells)
        if text:
            reader.out.put(FieldValue("description", "text", text, text, 0.95, "text", cells[0].where()))
    if holder is not None:
        cancel = layout.find(CANCELLATION, below=holder[0].top - 3)
        right = cancel[1].x0 - 2 if cancel else split
        reader.block("holder", layout.between(holder[0].top - 1, 1e9, x_max=right), holder[1])
    if "insured.name" not in reader.out.fields:
        reader.out.reasons.append("the named insured was not found")
    return reader.out
