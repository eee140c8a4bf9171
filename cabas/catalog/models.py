from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.Model):
    """The French taxonomy ("rayons") shared by shops and products; a reference table.

    Two levels: families (Alimentation, Culture et loisirs…) and their rayons
    (Fromagerie, Librairie…). Source categories and OSM ``shop=*`` values map onto rayons.
    """

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(_("nom"), max_length=80)
    name_en = models.CharField(_("nom (anglais)"), max_length=80, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    is_food = models.BooleanField(_("alimentaire"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("catégorie")
        verbose_name_plural = _("catégories")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    """A territory-wide product reference shared by every shop that sells it."""

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="products"
    )
    gtin = models.CharField(_("GTIN / EAN"), max_length=14, null=True, blank=True)
    name = models.CharField(_("nom"), max_length=200)
    brand = models.CharField(_("marque"), max_length=120, blank=True)
    quantity = models.CharField(_("quantité"), max_length=60, blank=True)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="products"
    )
    description = models.TextField(_("description"), blank=True)
    image_url = models.URLField(_("image"), max_length=500, blank=True)
    source = models.CharField(_("source"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("produit")
        verbose_name_plural = _("produits")
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "gtin"],
                condition=models.Q(gtin__isnull=False),
                name="product_gtin_unique_per_territory",
            ),
        ]
        indexes = [models.Index(fields=["territory", "category"])]

    def __str__(self) -> str:
        return self.name


class Offer(models.Model):
    """A shop's sale of a product: its SKU, price in cents and stock (None = not tracked)."""

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="offers"
    )
    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="offers")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="offers")
    sku = models.CharField(_("référence (SKU)"), max_length=64)
    price_cents = models.PositiveIntegerField(_("prix (centimes)"))
    stock = models.IntegerField(_("stock"), null=True, blank=True)
    is_active = models.BooleanField(_("en vente"), default=True)
    is_demo = models.BooleanField(
        _("donnée de démonstration"),
        default=False,
        help_text=_("Prix et stock générés pour la démonstration."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("offre")
        verbose_name_plural = _("offres")
        constraints = [
            models.UniqueConstraint(fields=["shop", "sku"], name="offer_sku_unique_per_shop"),
            models.UniqueConstraint(fields=["shop", "product"], name="offer_product_once_per_shop"),
            models.CheckConstraint(
                condition=models.Q(stock__isnull=True) | models.Q(stock__gte=0),
                name="offer_stock_non_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(price_cents__gt=0), name="offer_price_positive"
            ),
        ]
        indexes = [
            models.Index(fields=["product", "is_active"]),
            models.Index(fields=["territory", "is_active"]),
        ]

    def __str__(self) -> str:
        return f"{self.sku} @ {self.shop_id}"

    @property
    def stock_status(self) -> str:
        if self.stock is None:
            return "on_request"
        if self.stock <= 0:
            return "out_of_stock"
        if self.stock <= 3:
            return "low_stock"
        return "in_stock"


class StockMovement(models.Model):
    """One change of an offer's stock and why; the offer's stock is their running sum."""

    class Reason(models.TextChoices):
        SALE = "sale", _("vente")
        CANCEL = "cancel", _("annulation")
        IMPORT = "import", _("import")
        SYNC = "sync", _("synchronisation")
        MANUAL = "manual", _("correction manuelle")

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="+"
    )
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="stock_movements")
    delta = models.IntegerField(_("variation"))
    stock_after = models.IntegerField(_("stock après"), null=True, blank=True)
    reason = models.CharField(_("motif"), max_length=8, choices=Reason.choices)
    reference = models.CharField(_("référence"), max_length=80, blank=True)
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mouvement de stock")
        verbose_name_plural = _("mouvements de stock")
        indexes = [models.Index(fields=["offer", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(delta=0), name="stock_movement_delta_non_zero"
            )
        ]

    def __str__(self) -> str:
        return f"{self.offer_id} {self.delta:+d} ({self.reason})"
