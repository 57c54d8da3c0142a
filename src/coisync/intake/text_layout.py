"""Layout-aware text of flattened PDFs (pdfplumber): words, lines and cells with positions.

A flattened certificate has no form fields, only positioned words. :func:`read_words` extracts
them; :class:`Layout` groups them into lines (by baseline) and cells (runs of words separated by
less than a column gap) and answers the questions the grid parser asks: the cell matching a
label, the value to its right or below, the lines between two anchors.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

LINE_TOLERANCE = 2.5
"""Words whose tops differ by less than this (points) are on one line."""
CELL_GAP = 5.0
"""A horizontal gap wider than this (points) starts a new cell."""


@dataclass(frozen=True, slots=True)
class Word:
    """One word and its box in PDF points from the page's top-left corner."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    page: int = 1


@dataclass
class Cell:
    """Words of one line close enough to read as one value."""

    words: list[Word] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The cell's words joined by single spaces."""
        return " ".join(w.text for w in self.words)

    @property
    def x0(self) -> float:
        """Left edge."""
        return self.words[0].x0

    @property
    def x1(self) -> float:
        """Right edge."""
        return self.words[-1].x1

    @property
    def top(self) -> float:
        """Top edge."""
        return min(w.top for w in self.words)

    def where(self) -> str:
        """``p1 x=123 y=456``: where the cell is, for provenance."""
        return f"p{self.words[0].page} x={self.x0:.0f} y={self.top:.0f}"


@dataclass
class Line:
    """Cells sharing a baseline, left to right."""

    top: float
    cells: list[Cell]
    words: list[Word]

    @property
    def text(self) -> str:
        """Every cell's text, separated by two spaces."""
        return "  ".join(c.text for c in self.cells)


def read_words(content: bytes) -> tuple[list[Word], int]:
    """The words of every page (first page first) and the number of images in the document."""
    import pdfplumber

    words: list[Word] = []
    images = 0
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            images += len(page.images)
            for item in page.extract_words(x_tolerance=1.5, y_tolerance=2, keep_blank_chars=False):
                words.append(
                    Word(
                        item["text"],
                        float(item["x0"]),
                        float(item["x1"]),
                        float(item["top"]),
                        float(item["bottom"]),
                        number,
                    )
                )
    return words, images


def group_lines(words: Iterable[Word], page: int = 1) -> list[Line]:
    """Words of one page grouped into lines (top to bottom) and cells (left to right)."""
    ordered = sorted((w for w in words if w.page == page), key=lambda w: (w.top, w.x0))
    rows: list[list[Word]] = []
    for word in ordered:
        if rows and abs(word.top - rows[-1][0].top) < LINE_TOLERANCE:
            rows[-1].append(word)
        else:
            rows.append([word])
    lines = []
    for row in rows:
        row.sort(key=lambda w: w.x0)
        cells: list[Cell] = []
        for word in row:
            if cells and word.x0 - cells[-1].x1 <= CELL_GAP:
                cells[-1].words.append(word)
            else:
                cells.append(Cell([word]))
        lines.append(Line(row[0].top, cells, row))
    return lines


class Layout:
    """The lines of a page and lookups by label."""

    def __init__(self, lines: Sequence[Line]) -> None:
        self.lines = list(lines)

    def find(
        self, pattern: re.Pattern[str], *, below: float = -1.0, above: float = 1e9
    ) -> tuple[Line, Cell] | None:
        """The first cell (top to bottom) whose text matches, between two heights."""
        for line in self.lines:
            if below < line.top < above:
                for cell in line.cells:
                    if pattern.search(cell.text):
                        return line, cell
        return None

    def value_after(self, pattern: re.Pattern[str], *, max_gap: float = 200.0) -> Cell | None:
        """The value following a label: the rest of the label's cell, or the next cell on its line."""
        found = self.find(pattern)
        if found is None:
            return None
        line, cell = found
        match = pattern.search(cell.text)
        assert match is not None
        rest = cell.text[match.end() :].strip()
        if rest:
            label_words = len(cell.text[: match.end()].split())
            return Cell(cell.words[label_words:])
        following = [c for c in line.cells if c.x0 > cell.x1 and c.x0 - cell.x1 <= max_gap]
        return following[0] if following else None

    def between(self, top: float, bottom: float, *, x_min: float = -1.0, x_max: float = 1e9) -> list[Cell]:
        """Cells of the lines strictly between two heights, within a horizontal band."""
        return [
            cell
            for line in self.lines
            if top - LINE_TOLERANCE < line.top < bottom + LINE_TOLERANCE
            for cell in line.cells
            if top < cell.top < bottom and cell.x0 >= x_min and cell.x1 <= x_max
        ]


def cells_text(cells: Sequence[Cell]) -> str:
    """Cells joined line by line (cells of one line by a space, lines by a newline)."""
    lines: list[list[Cell]] = []
    for cell in sorted(cells, key=lambda c: (c.top, c.x0)):
        if lines and abs(cell.top - lines[-1][0].top) < LINE_TOLERANCE:
            lines[-1].append(cell)
        else:
            lines.append([cell])
    return "\n".join(" ".join(c.text for c in line) for line in lines)
