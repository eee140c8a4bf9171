"""factory-boy factories shared by every domain's tests."""

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from cabas.accounts.models import User
from cabas.catalog.models import Category, Offer, Product
from cabas.geo.models import PostalCode
from cabas.shops.models import Shop, ShopClosure, ShopMembership, ShopStatus
from cabas.territories.models import Territory, TerritoryMembership


class TerritoryFactory(DjangoModelFactory):
    class Meta:
        model = Territory
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"territoire-{n}")
    name = factory.Sequence(lambda n: f"Territoire {n}")
    centre_lat = 48.8566
    centre_lon = 2.3522


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"personne{n}@example.org")
    password = "motdepasse-solide-42"  # noqa: S105 (test fixture)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return model_class.objects.create_user(*args, **kwargs)


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"categorie-{n}")
    name = factory.Sequence(lambda n: f"Catégorie {n}")


class ShopFactory(DjangoModelFactory):
    class Meta:
        model = Shop

    territory = factory.SubFactory(TerritoryFactory)
    slug = factory.Sequence(lambda n: f"commerce-{n}")
    name = factory.Sequence(lambda n: f"Commerce {n}")
    address = "1 rue de la Paix"
    postcode = "75002"
    city = "Paris"
    lat = 48.8686
    lon = 2.3314
    opening_hours = "Mo-Sa 09:00-19:00"
    hours_source = "merchant"
    offers_click_collect = True
    status = ShopStatus.APPROVED


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = Product

    territory = factory.SubFactory(TerritoryFactory)
    name = factory.Sequence(lambda n: f"Produit {n}")


class OfferFactory(DjangoModelFactory):
    class Meta:
        model = Offer

    shop = factory.SubFactory(ShopFactory)
    territory = factory.SelfAttribute("shop.territory")
    product = factory.SubFactory(ProductFactory, territory=factory.SelfAttribute("..territory"))
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    price_cents = 250
    stock = 10


class ShopMembershipFactory(DjangoModelFactory):
    class Meta:
        model = ShopMembership

    shop = factory.SubFactory(ShopFactory)
    territory = factory.SelfAttribute("shop.territory")
    user = factory.SubFactory(UserFactory)
    role = ShopMembership.Role.OWNER


class TerritoryMembershipFactory(DjangoModelFactory):
    class Meta:
        model = TerritoryMembership

    territory = factory.SubFactory(TerritoryFactory)
    user = factory.SubFactory(UserFactory)


class ShopClosureFactory(DjangoModelFactory):
    class Meta:
        model = ShopClosure

    shop = factory.SubFactory(ShopFactory)
    territory = factory.SelfAttribute("shop.territory")
    start_date = factory.LazyFunction(dt.date.today)
    end_date = factory.SelfAttribute("start_date")
    reason = "Inventaire"


class PostalCodeFactory(DjangoModelFactory):
    class Meta:
        model = PostalCode

    code = "75004"
    insee_code = factory.Sequence(lambda n: f"{75100 + n % 900:05d}")
    commune = "Paris 4e Arrondissement"
    lat = 48.8543
    lon = 2.3576
