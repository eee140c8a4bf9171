from .distance import Point
from .models import PostalCode


def postcode_centre(code: str) -> Point | None:
    """Centre of a postal code: the mean of its communes' coordinates, or None if unknown."""
    rows = list(PostalCode.objects.filter(code=code.strip()).values_list("lat", "lon"))
    if not rows:
        return None
    return Point(sum(r[0] for r in rows) / len(rows), sum(r[1] for r in rows) / len(rows))
