"""Parsing a flattened ACORD 25 from positioned words: header blocks and the coverages grid.

Columns are found from the grid's header row (INSR LTR, ADDL INSD, SUBR WVD, POLICY NUMBER,
POLICY EFF, POLICY EXP, LIMITS); each coverage band starts at its type of insurance. Every value
gets a confidence from how cleanly it parsed, how exactly its label matched and whether it sat
inside its column; anything doubtful stays below the threshold, so the certificate goes to review.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from coisync.intake.acord25_grid import DESCRIPTION, GRID_HEADER, FieldReader, GridReader
from coisync.intake.extracted import Extraction, FieldValue
from coisync.intake.text_layout import LINE_TOLERANCE, Cell, Layout, Word, cells_text, group_lines

_I = re.IGNORECASE
INSURED = re.compile(r"^INSURED$", _I)
PRODUCER = re.compile(r"^PRODUCER$", _I)
INSURER_ROW = re.compile(r"^INSURER\s+([A-F])\s*:?", _I)
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
LABEL_LIKE = re.compile(r"\b[A-Z][A-Z ]{3,}:")


class _Reader(FieldReader):
    """Reads the header blocks above the grid."""

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
    reader = _Reader(layout, Extraction(form="acord25", method="text"))
    grid_top, split = reader.header()
    GridReader(layout, reader.out).grid(grid_top)
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
