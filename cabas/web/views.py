from django.http import HttpRequest, HttpResponse


def index(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Cabas")


def territory_home(request: HttpRequest, territory: str) -> HttpResponse:
    return HttpResponse(territory)


def shop_list(request: HttpRequest, territory: str) -> HttpResponse:
    return HttpResponse(territory)


def shop_detail(request: HttpRequest, territory: str, shop: str) -> HttpResponse:
    return HttpResponse(shop)


def product_detail(request: HttpRequest, territory: str, product_id: int) -> HttpResponse:
    return HttpResponse(str(product_id))
