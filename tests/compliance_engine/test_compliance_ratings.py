"""AM Best ratings table and financial size class parsing."""

from __future__ import annotations

from pathlib import Path

import pytest

from coisync.compliance import RatingsTable, parse_size_class
from coisync.compliance.ratings import parse_rating, roman_size_class
from coisync.errors import InputError


@pytest.mark.parametrize(
    ("raw", "number"),
    [("VIII", 8), ("8", 8), (8, 8), ("FSC VIII", 8), ("Class XV", 15), ("ix", 9), ("IV", 4), ("I", 1)],
)
def test_parse_size_class(raw: str | int, number: int) -> None:
    assert parse_size_class(raw) == number


@pytest.mark.parametrize("raw", ["XVI", "0", "16", "IIII", "VX", "eight", ""])
def test_parse_size_class_refuses(raw: str) -> None:
    with pytest.raises(ValueError, match="size class"):
        parse_size_class(raw)


def test_roman_round_trip() -> None:
    assert [parse_size_class(roman_size_class(n)) for n in range(1, 16)] == list(range(1, 16))


def test_parse_rating() -> None:
    assert parse_rating("A-") == "A-"
    assert parse_rating(" a+ (Superior)") == "A+"
    assert parse_rating("NR") is None
    with pytest.raises(ValueError, match="unknown AM Best rating"):
        parse_rating("Z")


def test_from_csv_and_lookup(tmp_path: Path) -> None:
    path = tmp_path / "ratings.csv"
    path.write_text(
        "naic,name,am_best_rating,financial_size_class\n"
        "10001,Hartwell Mutual,A+,XV\n"
        "10003,Bayfront Indemnity,B+,6\n"
        "10004,Unrated Mutual,,\n",
        encoding="utf-8",
    )
    table = RatingsTable.from_csv(path)
    assert len(table) == 3
    hartwell = table.lookup("10001")
    assert hartwell is not None and hartwell.am_best_rating == "A+" and hartwell.financial_size_class == 15
    unrated = table.lookup("10004")
    assert unrated is not None and unrated.am_best_rating is None and unrated.financial_size_class is None
    assert table.lookup("99999") is None
    assert table.lookup(None) is None


def test_bad_row_names_file_and_row(tmp_path: Path) -> None:
    path = tmp_path / "ratings.csv"
    path.write_text("naic,name,am_best_rating,financial_size_class\n10001,X,A,XVII\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"ratings\.csv row 2: .*outside"):
        RatingsTable.from_csv(path)


def test_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "ratings.csv"
    path.write_text("naic,name\n10001,X\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing column"):
        RatingsTable.from_csv(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot be read"):
        RatingsTable.from_csv(tmp_path / "absent.csv")
