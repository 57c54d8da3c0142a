"""Flattened (text-only) certificates laid out like the ACORD 25 grid, for intake tests and the bench.

Rendered from the same hand-written meanings as :mod:`intake_corpus`; one in five carries a
defect (a misprinted amount, an overflowing policy number, a misspelt label, an amount without a
label) that a careful reader must either read right or send to review.
"""

from __future__ import annotations

import io
import random
from functools import cache

from intake_corpus import Rendered, make_meanings, spell
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

FLAT_DEFECTS = ("glyph_o_for_zero", "policy_overflow", "label_typo", "amount_without_label")


class _Page:
    """Drawing by top coordinate (as text extraction reports it), with a per-document shift."""

    def __init__(self, pdf: canvas.Canvas, rng: random.Random) -> None:
        self.pdf = pdf
        self.rng = rng
        self.dx = rng.uniform(-2.0, 2.0)
        self.dy = rng.uniform(-1.5, 1.5)
        self.size = rng.choice([6.5, 7.0, 7.5])

    def text(self, x: float, top: float, value: str, size: float | None = None, right: bool = False) -> float:
        size = size or self.size
        self.pdf.setFont("Helvetica", size)
        y = 792 - (top + self.dy) - size * 0.8
        if right:
            self.pdf.drawRightString(x + self.dx, y, value)
        else:
            self.pdf.drawString(x + self.dx, y, value)
        return x + self.pdf.stringWidth(value, "Helvetica", size)

    def labelled(self, x: float, top: float, label: str, value: str) -> None:
        end = self.text(x, top, label, 5.5)
        self.text(end + self.rng.choice([2.5, 9.0]), top, value)

    def option(self, x: float, top: float, label: str, checked: bool, mark: str = "X") -> None:
        if checked:
            self.text(x - 7, top, mark)
        self.text(x, top, label, 5.5)


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return [*lines, current] if current else lines


@cache
def render_flat(seed: int, defect: str | None = None) -> Rendered:
    """A flattened (text only) certificate laid out like the ACORD 25 grid (no form artwork)."""
    rng = random.Random(seed * 104729)
    m = make_meanings(seed)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=letter)
    page = _Page(pdf, rng)
    mark = rng.choice(["X", "x"])
    yes = rng.choice(["Y", "X"])
    dollar_column = rng.random() < 0.4  # "$" printed in its own column, the amount without it

    def val(key: str) -> str:
        return spell(key, m[key], rng)

    page.text(150, 30, "CERTIFICATE OF LIABILITY INSURANCE", 11)
    page.text(500, 28, "DATE (MM/DD/YYYY)", 5.5)
    page.text(505, 40, val("issue_date"))
    page.text(30, 70, "PRODUCER", 5.5)
    page.labelled(310, 70, "CONTACT NAME:", m["producer_contact"])
    page.text(30, 82, m["producer_name"])
    page.labelled(310, 82, "PHONE (A/C, No, Ext):", m["producer_phone"])
    page.labelled(310, 94, "E-MAIL ADDRESS:", m["producer_email"])
    page.text(310, 108, "INSURER(S) AFFORDING COVERAGE", 5.5)
    page.text(540, 108, "NAIC #", 5.5)
    for index, letter_ in enumerate("AB"):
        top = 120 + 11 * index
        page.text(310, top, f"INSURER {letter_} :", 5.5)
        page.text(350, top, m[f"insurer_{letter_}_name"])
        page.text(545, top, m[f"insurer_{letter_}_naic"])
    page.text(30, 126, "INSURED", 5.5)
    street, city = m["insured_address"].split(", ", 1)
    page.text(30, 138, m["insured_name"])
    page.text(30, 148, street)
    page.text(30, 158, city)
    page.text(30, 195, "COVERAGES", 6)
    page.labelled(200, 195, "CERTIFICATE NUMBER:", m["certificate_number"])
    page.text(420, 195, "REVISION NUMBER:", 5.5)
    for x, first, second in (
        (30, "INSR", "LTR"), (52, "", "TYPE OF INSURANCE"), (180, "ADDL", "INSD"), (212, "SUBR", "WVD"),
        (244, "", "POLICY NUMBER"), (330, "POLICY EFF", "(MM/DD/YYYY)"), (382, "POLICY EXP", "(MM/DD/YYYY)"),
        (436, "", "LIMITS"),
    ):  # fmt: skip
        if first:
            page.text(x, 208, first, 5)
        page.text(x, 215, second, 5)

    def grid_row(top: float, prefix: str, type_label: str | None) -> None:
        page.text(34, top, m[f"{prefix}_letter"])
        if type_label:
            page.text(55, top, type_label, 5.5)
        if m.get(f"{prefix}_ai"):
            page.text(186, top, yes)
        if m.get(f"{prefix}_wos"):
            page.text(218, top, yes)
        policy = m[f"{prefix}_policy"]
        if defect == "policy_overflow" and prefix == "gl":
            policy = f"{policy}-ENDORSED-RENEWAL-2026"
        page.text(246, top, policy)
        page.text(332, top, val(f"{prefix}_eff"))
        page.text(384, top, val(f"{prefix}_exp"))

    def limit(top: float, label: str, key: str | None) -> None:
        page.text(438, top, label, 5)
        if key and m.get(key) is not None:
            text = val(key)
            if defect == "glyph_o_for_zero" and key == "gl_each_occurrence":
                text = f"{m[key]:,}".replace("0", "O")
            if dollar_column:
                page.text(545, top, "$")
                text = text.lstrip("$")
            page.text(600, top, text, right=True)

    top = 228.0
    gl_labels = [
        ("EACH OCCURRENCE", "gl_each_occurrence"),
        ("DAMAGE TO RENTED PREMISES (Ea occurrence)", "gl_rented"),
        ("MED EXP (Any one person)", "gl_med"),
        ("PERSONAL & ADV INJURY", "gl_pai"),
        ("GENERAL AGGREGATE", "gl_aggregate"),
        ("PRODUCTS - COMP/OP AGG", "gl_products"),
    ]
    if defect == "label_typo":
        gl_labels[4] = ("GENERL AGGREGAT", "gl_aggregate")
    grid_row(top, "gl", "COMMERCIAL GENERAL LIABILITY")
    page.option(62, top + 10, "CLAIMS-MADE", m["gl_basis"] == "claims_made", mark)
    page.option(120, top + 10, "OCCUR", m["gl_basis"] == "occurrence", mark)
    page.text(55, top + 40, "GEN'L AGGREGATE LIMIT APPLIES PER:", 5)
    for x, label, choice in (
        (62, "POLICY", "policy"),
        (100, "PRO-JECT", "project"),
        (140, "LOC", "location"),
    ):
        page.option(x, top + 50, label, m["gl_agg_per"] == choice, mark)
    for index, (label, key) in enumerate(gl_labels):
        limit(top + 10 * index, label, key)
    if defect == "amount_without_label":
        page.text(600, top + 60, "$50,000", right=True)
    top += 72
    if "auto_policy" in m:
        grid_row(top, "auto", "AUTOMOBILE LIABILITY")
        symbols = m["auto_symbols"]
        page.option(62, top + 10, "ANY AUTO", "any_auto" in symbols, mark)
        page.option(62, top + 20, "OWNED AUTOS ONLY", "owned" in symbols, mark)
        page.option(125, top + 20, "SCHEDULED AUTOS", "scheduled" in symbols, mark)
        page.option(62, top + 30, "HIRED AUTOS ONLY", "hired" in symbols, mark)
        page.option(125, top + 30, "NON-OWNED AUTOS ONLY", "non_owned" in symbols, mark)
        limit(top, "COMBINED SINGLE LIMIT (Ea accident)", "auto_csl")
        limit(top + 10, "BODILY INJURY (Per person)", None)
        limit(top + 20, "BODILY INJURY (Per accident)", None)
        limit(top + 30, "PROPERTY DAMAGE (Per accident)", None)
        top += 44
    if "umb_policy" in m:
        grid_row(top, "umb", None)
        page.option(62, top, "UMBRELLA LIAB", m["umb_kind"] == "umbrella", mark)
        page.option(130, top, "OCCUR", True, mark)
        page.option(62, top + 10, "EXCESS LIAB", m["umb_kind"] == "excess_liability", mark)
        page.option(130, top + 10, "CLAIMS-MADE", False, mark)
        page.option(62, top + 20, "DED", False, mark)
        page.option(95, top + 20, "RETENTION $", bool(m.get("umb_retention")), mark)
        if m.get("umb_retention"):
            page.text(140, top + 20, val("umb_retention"))
        limit(top, "EACH OCCURRENCE", "umb_each")
        limit(top + 10, "AGGREGATE", "umb_agg")
        top += 34
    if "wc_policy" in m:
        grid_row(top, "wc", "WORKERS COMPENSATION")
        page.text(55, top + 10, "AND EMPLOYERS' LIABILITY", 5)
        page.text(55, top + 20, "ANY PROPRIETOR/PARTNER/EXECUTIVE", 5)
        page.text(55, top + 30, "OFFICER/MEMBER EXCLUDED?", 5)
        page.text(180, top + 10, "Y / N", 5)
        page.text(186, top + 20, "Y" if m["wc_excluded"] else "N")
        page.option(445, top, "PER STATUTE", bool(m["wc_statutory"]), mark)
        page.text(500, top, "OTH-ER", 5)
        limit(top + 10, "E.L. EACH ACCIDENT", "wc_each_accident")
        limit(top + 20, "E.L. DISEASE - EA EMPLOYEE", "wc_disease_employee")
        limit(top + 30, "E.L. DISEASE - POLICY LIMIT", "wc_disease_policy")
        top += 44
    if "other_policy" in m:
        grid_row(top, "other", m["other_type"])
        limit(top, m["other_limit_label"], "other_limit")
        top += 16
    top += 6
    page.text(30, top, "DESCRIPTION OF OPERATIONS / LOCATIONS / VEHICLES", 5)
    for line in _wrap(m["description"], 110):
        top += 10
        page.text(30, top, line)
    top = max(top + 24, 640)
    page.text(30, top, "CERTIFICATE HOLDER", 5.5)
    page.text(310, top, "CANCELLATION", 5.5)
    page.text(310, top + 12, "Cancellation notice per the policy provisions.", 6)
    street, city = m["holder_address"].split(", ", 1)
    page.text(40, top + 14, m["holder_name"])
    page.text(40, top + 24, street)
    page.text(40, top + 34, city)
    pdf.showPage()
    pdf.save()
    expected = {k: v for k, v in m.items() if v is not None and not k.startswith("producer_address")}
    expected.pop("umb_basis", None) if "umb_policy" not in m else None
    return Rendered(buffer.getvalue(), expected, "flat", [defect] if defect else [])


def flat_defect(seed: int) -> str | None:
    """The defect the corpus puts in a flattened certificate (one in five has one)."""
    return FLAT_DEFECTS[(seed // 5) % len(FLAT_DEFECTS)] if seed % 5 == 4 else None
