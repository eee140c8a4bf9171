"""The French taxonomy of "rayons" shared by shops and products, and the maps onto it.

Two levels: families (Alimentation, Culture et loisirs…) and their rayons (Fromagerie,
Librairie…). The tree below is the reference; ``services.taxonomy_sync`` writes it to
``Category``. Source vocabularies (the Ville de Paris ``type_de_commerce``, OSM
``shop=*``) and free French text (product names, shop descriptions) map onto rayon
slugs here; anything unknown maps to ``autre``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

OTHER = "autre"


@dataclass(frozen=True)
class Rayon:
    slug: str
    name: str
    name_en: str


@dataclass(frozen=True)
class Family:
    slug: str
    name: str
    name_en: str
    is_food: bool
    rayons: tuple[Rayon, ...]


TREE: tuple[Family, ...] = (
    Family(
        "alimentation",
        "Alimentation",
        "Food",
        True,
        (
            Rayon("boulangerie-patisserie", "Boulangerie-pâtisserie", "Bakery and pastry"),
            Rayon("boucherie-charcuterie", "Boucherie-charcuterie", "Butcher and charcuterie"),
            Rayon("fromagerie-cremerie", "Fromagerie-crèmerie", "Cheese and dairy"),
            Rayon("fruits-legumes", "Fruits et légumes (primeur)", "Greengrocer"),
            Rayon("poissonnerie", "Poissonnerie", "Fishmonger"),
            Rayon("epicerie-fine", "Épicerie fine", "Fine foods"),
            Rayon("epicerie", "Épicerie, alimentation générale", "Grocery"),
            Rayon("cave", "Cave (vins, bières, spiritueux)", "Wine, beer and spirits"),
            Rayon("chocolaterie-confiserie", "Chocolaterie-confiserie", "Chocolate and sweets"),
            Rayon("traiteur-restaurant", "Traiteur, restaurant", "Caterer and restaurant"),
        ),
    ),
    Family(
        "culture-loisirs",
        "Culture et loisirs",
        "Culture and leisure",
        False,
        (
            Rayon("librairie", "Librairie", "Bookshop"),
            Rayon("disquaire", "Disquaire, musique", "Records and music"),
            Rayon("jeux-jouets", "Jeux et jouets", "Games and toys"),
            Rayon("presse-papeterie", "Presse, papeterie", "Newsagent and stationery"),
            Rayon("artisanat-art", "Artisanat d'art", "Arts and crafts"),
        ),
    ),
    Family(
        "maison-jardin",
        "Maison et jardin",
        "Home and garden",
        False,
        (
            Rayon("fleuriste", "Fleuriste", "Florist"),
            Rayon("bricolage-quincaillerie", "Bricolage, quincaillerie", "DIY and hardware"),
            Rayon("maison-cuisine", "Maison, cuisine, décoration", "Home, kitchen and decor"),
        ),
    ),
    Family(
        "beaute-sante",
        "Beauté et santé",
        "Beauty and health",
        False,
        (
            Rayon("beaute-cosmetique", "Parfumerie, cosmétiques", "Perfume and cosmetics"),
            Rayon("pharmacie-parapharmacie", "Pharmacie, parapharmacie", "Pharmacy"),
            Rayon("sante-orthopedie", "Matériel médical, orthopédie", "Medical supplies"),
            Rayon("optique", "Opticien", "Optician"),
            Rayon("coiffure-beaute", "Coiffure, institut de beauté", "Hair and beauty salon"),
        ),
    ),
    Family(
        "services",
        "Services",
        "Services",
        False,
        (
            Rayon("pressing-laverie", "Pressing, laverie", "Dry cleaning and laundry"),
            Rayon("retouche-cordonnerie", "Retouches, cordonnerie", "Alterations, shoe repair"),
            Rayon("reprographie", "Imprimerie, reprographie", "Printing and copy shop"),
        ),
    ),
    Family(
        "autres-commerces",
        "Autres commerces",
        "Other shops",
        False,
        (
            Rayon("mode-seconde-main", "Mode, accessoires, seconde main", "Fashion, second hand"),
            Rayon("informatique-telephonie", "Informatique, téléphonie", "Computers and phones"),
            Rayon("auto-velo", "Auto, moto, vélo", "Cars, motorbikes and bikes"),
            Rayon(OTHER, "Commerce divers", "Other shop"),
        ),
    ),
)

RAYON_FAMILY: dict[str, Family] = {r.slug: f for f in TREE for r in f.rayons}
RAYON_SLUGS: frozenset[str] = frozenset(RAYON_FAMILY)
FOOD_RAYONS: frozenset[str] = frozenset(s for s, f in RAYON_FAMILY.items() if f.is_food)


def rayon_by_slug(slug: str) -> Rayon:
    return next(r for r in RAYON_FAMILY[slug].rayons if r.slug == slug)


def fold(text: str) -> str:
    """Lower case, accents stripped, every non-alphanumeric run turned into one space."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.findall(r"[a-z0-9]+", bare.replace("œ", "oe").replace("æ", "ae")))


# The Ville de Paris "type_de_commerce" values of the 2020 list.
PARIS_CATEGORY_TO_RAYON: dict[str, str] = {
    "Restaurant ou traiteur": "traiteur-restaurant",
    "Autre": OTHER,
    "Boucherie - charcuterie - rôtisserie": "boucherie-charcuterie",
    "Primeur": "fruits-legumes",
    "Alimentation générale et produits de première nécessité": "epicerie",
    "Librairie": "librairie",
    "Caviste - Brasserie": "cave",
    "Boulangerie - pâtisserie": "boulangerie-patisserie",
    "Épicerie fine": "epicerie-fine",
    "Epicerie fine": "epicerie-fine",
    "Artisanat d'art": "artisanat-art",
    "Fromagerie": "fromagerie-cremerie",
    "Fleuriste": "fleuriste",
    "Poissonnerie": "poissonnerie",
    "Jouets - Jeux": "jeux-jouets",
    "Chocolaterie - Pâtisserie": "chocolaterie-confiserie",
    "Cosmétique": "beaute-cosmetique",
    "Pharmacies et parapharmacies": "pharmacie-parapharmacie",
    "Disquaire": "disquaire",
    "Équipements informatiques": "informatique-telephonie",
    "Bricolage": "bricolage-quincaillerie",
    "Presse et papeterie": "presse-papeterie",
    "Articles médicaux et orthopédiques": "sante-orthopedie",
    "Blanchisserie-teinturerie": "pressing-laverie",
    "Matériels de télécommunication": "informatique-telephonie",
}
_PARIS_FOLDED = {fold(k): v for k, v in PARIS_CATEGORY_TO_RAYON.items()}

# OpenStreetMap shop=* values: those of the Grenoble sample and the common ones.
OSM_SHOP_TO_RAYON: dict[str, str] = {
    # Alimentation
    "bakery": "boulangerie-patisserie",
    "pastry": "boulangerie-patisserie",
    "butcher": "boucherie-charcuterie",
    "cheese": "fromagerie-cremerie",
    "dairy": "fromagerie-cremerie",
    "greengrocer": "fruits-legumes",
    "farm": "fruits-legumes",
    "seafood": "poissonnerie",
    "fish": "poissonnerie",
    "deli": "epicerie-fine",
    "spices": "epicerie-fine",
    "tea": "epicerie-fine",
    "coffee": "epicerie-fine",
    "convenience": "epicerie",
    "supermarket": "epicerie",
    "general": "epicerie",
    "food": "epicerie",
    "grocery": "epicerie",
    "health_food": "epicerie",
    "organic": "epicerie",
    "frozen_food": "epicerie",
    "wholesale": "epicerie",
    "wine": "cave",
    "alcohol": "cave",
    "beverages": "cave",
    "brewing_supplies": "cave",
    "chocolate": "chocolaterie-confiserie",
    "confectionery": "chocolaterie-confiserie",
    "ice_cream": "chocolaterie-confiserie",
    "caterer": "traiteur-restaurant",
    # Culture et loisirs
    "books": "librairie",
    "music": "disquaire",
    "musical_instrument": "disquaire",
    "toys": "jeux-jouets",
    "games": "jeux-jouets",
    "video_games": "jeux-jouets",
    "model": "jeux-jouets",
    "hobby": "jeux-jouets",
    "newsagent": "presse-papeterie",
    "kiosk": "presse-papeterie",
    "stationery": "presse-papeterie",
    "tobacco": "presse-papeterie",
    "art": "artisanat-art",
    "craft": "artisanat-art",
    "frame": "artisanat-art",
    "pottery": "artisanat-art",
    "antiques": "artisanat-art",
    "fabric": "artisanat-art",
    "sewing": "artisanat-art",
    # Maison et jardin
    "florist": "fleuriste",
    "garden_centre": "fleuriste",
    "doityourself": "bricolage-quincaillerie",
    "hardware": "bricolage-quincaillerie",
    "trade": "bricolage-quincaillerie",
    "paint": "bricolage-quincaillerie",
    "building_materials": "bricolage-quincaillerie",
    "tool_hire": "bricolage-quincaillerie",
    "kitchen": "maison-cuisine",
    "houseware": "maison-cuisine",
    "furniture": "maison-cuisine",
    "interior_decoration": "maison-cuisine",
    "bed": "maison-cuisine",
    "lighting": "maison-cuisine",
    "curtain": "maison-cuisine",
    "carpet": "maison-cuisine",
    "gift": "maison-cuisine",
    # Beauté et santé
    "chemist": "pharmacie-parapharmacie",
    "cosmetics": "beaute-cosmetique",
    "perfumery": "beaute-cosmetique",
    "medical_supply": "sante-orthopedie",
    "hearing_aids": "sante-orthopedie",
    "optician": "optique",
    "hairdresser": "coiffure-beaute",
    "beauty": "coiffure-beaute",
    "massage": "coiffure-beaute",
    "tattoo": "coiffure-beaute",
    # Services
    "laundry": "pressing-laverie",
    "dry_cleaning": "pressing-laverie",
    "tailor": "retouche-cordonnerie",
    "shoe_repair": "retouche-cordonnerie",
    "key_cutting": "retouche-cordonnerie",
    "copyshop": "reprographie",
    "photo": "reprographie",
    # Autres commerces
    "clothes": "mode-seconde-main",
    "shoes": "mode-seconde-main",
    "fashion_accessories": "mode-seconde-main",
    "bag": "mode-seconde-main",
    "leather": "mode-seconde-main",
    "jewelry": "mode-seconde-main",
    "watches": "mode-seconde-main",
    "boutique": "mode-seconde-main",
    "baby_goods": "mode-seconde-main",
    "second_hand": "mode-seconde-main",
    "charity": "mode-seconde-main",
    "computer": "informatique-telephonie",
    "mobile_phone": "informatique-telephonie",
    "electronics": "informatique-telephonie",
    "telecommunication": "informatique-telephonie",
    "hifi": "informatique-telephonie",
    "car_repair": "auto-velo",
    "car": "auto-velo",
    "car_parts": "auto-velo",
    "tyres": "auto-velo",
    "motorcycle": "auto-velo",
    "bicycle": "auto-velo",
    "variety_store": OTHER,
    "storage_rental": OTHER,
    "pet": OTHER,
    "sports": OTHER,
    "outdoor": OTHER,
}


def rayon_for_paris_category(value: str) -> str:
    """Rayon of a Ville de Paris ``type_de_commerce`` (accent and case insensitive)."""
    return _PARIS_FOLDED.get(fold(value), OTHER)


def rayon_for_osm_shop(value: str) -> str:
    """Rayon of an OSM ``shop=*`` value; of a list (``convenience;gas``) the first counts."""
    first = (value or "").split(";")[0].strip().lower()
    return OSM_SHOP_TO_RAYON.get(first, OTHER)


class KeywordClassifier:
    """Word-based, accent-insensitive keyword rules over French text.

    The keyword that appears first in the text wins: French puts the head noun first,
    so "Pain au chocolat" is bread and "Chocolat au lait" is chocolate. A single word
    also matches its plural in -s or -x; phrases match as written. Keywords listed in
    ``accented`` match with their accents only ("pâté" the terrine, not "pâte").
    """

    def __init__(self, rules: dict[str, tuple[str, ...]], accented: dict[str, str]) -> None:
        self._words: dict[str, str] = {}
        self._phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for slug, keywords in rules.items():
            for keyword in keywords:
                parts = tuple(fold(keyword).split())
                if len(parts) == 1:
                    for form in (parts[0], parts[0] + "s", parts[0] + "x"):
                        self._words.setdefault(form, slug)
                else:
                    self._phrases.setdefault(parts[0], []).append((parts, slug))
        for entries in self._phrases.values():
            entries.sort(key=lambda entry: -len(entry[0]))
        self._accented = {keyword.lower(): slug for keyword, slug in accented.items()}

    def classify(self, text: str, default: str) -> str:
        raw = re.findall(r"[^\W_]+", text.lower())
        folded = [fold(token) for token in raw]
        for i, token in enumerate(folded):
            if raw[i] in self._accented:
                return self._accented[raw[i]]
            for parts, slug in self._phrases.get(token, ()):
                if tuple(folded[i : i + len(parts)]) == parts:
                    return slug
            if token in self._words:
                return self._words[token]
        return default


def _kw(text: str) -> tuple[str, ...]:
    return tuple(word.strip() for word in text.split(",") if word.strip())


PRODUCT_KEYWORDS: dict[str, tuple[str, ...]] = {
    "boulangerie-patisserie": _kw(
        "pain, baguette, brioche, croissant, viennoiserie, flute, ficelle, fougasse, "
        "tarte, tartelette, gateau, cake, madeleine, financier, chouquette, eclair, "
        "canele, quatre quarts, pain d epices, kouign amann"
    ),
    "fromagerie-cremerie": _kw(
        "fromage, comte, camembert, emmental, emmenthal, yaourt, yoghourt, lait, beurre, "
        "creme, brie, roquefort, chevre, mozzarella, raclette, reblochon, tomme, gruyere, "
        "parmesan, feta, ricotta, mascarpone, faisselle, skyr, kefir, coulommiers, "
        "munster, morbier, cantal, saint nectaire, beaufort, affinois, cancoillotte, "
        "babybel, petit suisse, fromage blanc, bleu d auvergne, mimolette, ossau iraty, "
        "fourme"
    ),
    "boucherie-charcuterie": _kw(
        "jambon, saucisson, saucisse, poulet, boeuf, porc, veau, agneau, dinde, canard, "
        "lapin, rillettes, terrine, lardons, chorizo, merguez, boudin, andouille, "
        "andouillette, foie gras, magret, roti, steak, viande, cordon bleu, knack, "
        "chipolata, coppa, rosette, bacon, jambonneau, volaille, coq, pintade, cassoulet, "
        "choucroute"
    ),
    "poissonnerie": _kw(
        "thon, sardine, saumon, crevette, poisson, cabillaud, colin, merlu, maquereau, "
        "truite, hareng, anchois, moule, huitre, crabe, surimi, calamar, encornet, "
        "langoustine, saint jacques, limande, dorade, haddock, tarama, brandade, "
        "lieu noir, bulot, homard, rouget, soupe de poisson"
    ),
    "cave": _kw(
        "vin, biere, cidre, whisky, rhum, champagne, cremant, vodka, gin, pastis, liqueur, "
        "porto, calvados, armagnac, cognac, cuvee, muscat, beaujolais, chardonnay, merlot, "
        "sauvignon, pinot, poire williams, brut, bordeaux, bourgogne, cotes du rhone, "
        "aperitif, kir"
    ),
    "chocolaterie-confiserie": _kw(
        "chocolat, bonbon, confiserie, praline, caramel, nougat, guimauve, calisson, "
        "dragee, sucette, cacao, rocher, reglisse, berlingot, ganache, gianduja, "
        "marshmallow, truffe au chocolat, pate de fruits, pates de fruits, sucre d orge, "
        "sucre d orges, marron glace, macaron"
    ),
    "fruits-legumes": _kw(
        "pomme, tomate, compote, legume, fruit, poire, banane, orange, abricot, peche, "
        "fraise, framboise, myrtille, cerise, raisin, kiwi, melon, ananas, mangue, "
        "clementine, mandarine, pruneau, carotte, haricot, epinard, courgette, aubergine, "
        "poireau, champignon, oignon, chou, brocoli, petits pois, avocat, potiron, courge, "
        "betterave, concombre, radis, artichaut, asperge, poivron, ratatouille, salsifis"
    ),
    "epicerie": _kw(
        "confiture, miel, pates, riz, huile, vinaigre, vinaigrette, sauce, soupe, veloute, "
        "biscuit, cereales, farine, sucre, sel, epice, conserve, cafe, infusion, tisane, "
        "moutarde, mayonnaise, ketchup, lentille, semoule, quinoa, couscous, muesli, "
        "galette, chips, olive, gnocchi, ravioli, lasagne, pizza, sirop, jus, limonade, "
        "soda, eau, bouillon, levure, cornichon, tapenade, houmous, crackers"
    ),
}

# Accent-only forms whose folded spelling collides with another word (pâte, rose).
PRODUCT_ACCENTED: dict[str, str] = {
    "pâté": "boucherie-charcuterie",
    "pâtés": "boucherie-charcuterie",
    "paté": "boucherie-charcuterie",
    "rosé": "cave",
    "rosés": "cave",
    "thé": "epicerie",
    "thés": "epicerie",
}

PRODUCTS = KeywordClassifier(PRODUCT_KEYWORDS, PRODUCT_ACCENTED)


def rayon_for_product_name(name: str) -> str:
    """Food rayon of a product from French keywords in its name; ``epicerie`` otherwise."""
    return PRODUCTS.classify(name, "epicerie")


# For shops a source files under "Autre": their name and description say what they sell.
SHOP_TEXT_KEYWORDS: dict[str, tuple[str, ...]] = {
    "mode-seconde-main": _kw(
        "vetement, mode, pret a porter, lingerie, chaussure, soulier, maroquinerie, bijou, "
        "bijouterie, friperie, vintage, sac, bagage, ceinture, foulard, echarpe, couture, "
        "robe, jean, habille, createur"
    ),
    "maison-cuisine": _kw(
        "decoration, deco, mobilier, meuble, luminaire, ustensile, art de la table, "
        "linge de maison, literie, matelas, bougie, vaisselle, abat jour, cadeau"
    ),
    "cave": _kw("caviste, vin, biere, spiritueux, brasseur"),
    "epicerie": _kw("produits frais, epicerie, supermarche, magasin bio, vrac"),
    "epicerie-fine": _kw("epicerie fine, epices, maison de the"),
    "boulangerie-patisserie": _kw("patisserie, patissier, gateau, boulangerie"),
    "chocolaterie-confiserie": _kw("chocolat, chocolatier, cacao, confiserie, macaron"),
    "librairie": _kw("livre, bouquiniste, librairie, bande dessinee"),
    "jeux-jouets": _kw("jouet, jeux, puericulture, skateboard"),
    "beaute-cosmetique": _kw("parfum, parfumerie, cosmetique, institut de beaute"),
    "optique": _kw("lunettes, opticien, optique"),
    "informatique-telephonie": _kw("informatique, telephone, ordinateur"),
    "fleuriste": _kw("fleur, fleuriste, plante"),
    "artisanat-art": _kw("galerie, artiste, oeuvre, ceramique, poterie, affiche"),
    "traiteur-restaurant": _kw("restaurant, traiteur, bistrot, salon de the, cafe"),
    "auto-velo": _kw("velo, scooter, moto"),
}
SHOP_ACCENTED: dict[str, str] = {"thé": "epicerie-fine", "thés": "epicerie-fine"}

SHOP_TEXTS = KeywordClassifier(SHOP_TEXT_KEYWORDS, SHOP_ACCENTED)


def rayon_for_shop_text(text: str) -> str:
    """Rayon a shop's own words point to (name, then description), or ``autre``."""
    return SHOP_TEXTS.classify(text, OTHER)
