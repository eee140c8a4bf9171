import pytest

from cabas.demo.errors import DemoDataError
from cabas.demo.postal_codes import postal_codes_load
from cabas.geo.models import PostalCode

from .conftest import replace_field

POSTAL = "fr_postal_codes_laposte.csv"


def test_postal_codes_load_adds_each_row_once(db, small_data_dir):
    added = postal_codes_load(path=small_data_dir / POSTAL)

    assert added == PostalCode.objects.count() > 500
    grenoble = set(PostalCode.objects.filter(insee_code="38185").values_list("code", flat=True))
    assert grenoble == {"38000", "38100"}
    assert postal_codes_load(path=small_data_dir / POSTAL) == 0
    assert PostalCode.objects.count() == added


def test_a_bad_postal_code_line_is_named_and_nothing_is_written(db, small_data_dir):
    replace_field(small_data_dir / POSTAL, 12, "code_postal", "38A00")

    with pytest.raises(DemoDataError) as error:
        postal_codes_load(path=small_data_dir / POSTAL)

    assert str(error.value).endswith(f"{POSTAL}, ligne 12 : code postal invalide « 38A00 »")
    assert PostalCode.objects.count() == 0
