import pytest

from cabas.planner.lines import parse_line, parse_list, split_text


@pytest.mark.parametrize(
    ("raw", "query", "quantity"),
    [
        ("pain", "pain", 1),
        ("6 œufs", "œufs", 6),
        ("6 x œufs", "œufs", 6),
        ("œufs x6", "œufs", 6),
        ("comté", "comté", 1),
        ("un bouquet", "bouquet", 1),
        ("une baguette", "baguette", 1),
        ("deux baguettes", "baguettes", 2),
        ("des tomates", "tomates", 1),
        ("du beurre", "beurre", 1),
        ("de la farine", "farine", 1),
        ("de l'huile d'olive", "huile d'olive", 1),
        ("l’huile", "huile", 1),
        ("500 g de comté", "comté", 1),
        ("1,5 kg de pommes", "pommes", 1),
        ("- album jeunesse", "album jeunesse", 1),
        ("[ ] 3 yaourts", "yaourts", 3),
        ("2. lait", "lait", 1),
        ("  PAIN   complet ", "PAIN complet", 1),
        ("250 oeufs", "oeufs", 99),
        ("dessert", "dessert", 1),
        ("lait", "lait", 1),
    ],
)
def test_lines_are_read_as_a_shopper_writes_them(raw, query, quantity):
    line = parse_line(raw)
    assert line is not None
    assert (line.query, line.quantity) == (query, quantity)


@pytest.mark.parametrize("raw", ["", "   ", "-", "des", "6", "de la"])
def test_lines_with_nothing_to_search_are_skipped(raw):
    assert parse_line(raw) is None


def test_the_same_item_twice_adds_up():
    lines = parse_list(["2 pain", "pain", "comté"])
    assert [(line.query, line.quantity) for line in lines] == [("pain", 3), ("comté", 1)]


def test_a_pasted_single_line_splits_on_commas():
    assert split_text("pain, 6 œufs; comté") == ["pain", " 6 œufs", " comté"]
    assert split_text("pain\n\n6 œufs\n") == ["pain", "6 œufs"]
