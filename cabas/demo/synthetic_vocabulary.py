"""Names for synthetic shops and product variants (``generate_territory``), in French."""

from __future__ import annotations


def _listed(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


# How common each rayon is, after the 2020 Paris list (rayons with a catalogue only).
RAYON_WEIGHTS: dict[str, int] = {
    "traiteur-restaurant": 680,
    "boucherie-charcuterie": 165,
    "fruits-legumes": 148,
    "epicerie": 141,
    "librairie": 137,
    "cave": 120,
    "boulangerie-patisserie": 116,
    "epicerie-fine": 101,
    "mode-seconde-main": 100,
    "artisanat-art": 99,
    "fromagerie-cremerie": 77,
    "fleuriste": 54,
    "poissonnerie": 44,
    "maison-cuisine": 40,
    "jeux-jouets": 33,
    "chocolaterie-confiserie": 31,
    "beaute-cosmetique": 25,
    "pharmacie-parapharmacie": 24,
    "disquaire": 19,
    "informatique-telephonie": 15,
    "bricolage-quincaillerie": 13,
    "presse-papeterie": 12,
    "sante-orthopedie": 9,
    "auto-velo": 8,
    "optique": 6,
}
SHOP_WORDS: dict[str, str] = {
    "traiteur-restaurant": "Restaurant",
    "boucherie-charcuterie": "Boucherie",
    "fruits-legumes": "Primeur",
    "epicerie": "Épicerie",
    "librairie": "Librairie",
    "cave": "Cave",
    "boulangerie-patisserie": "Boulangerie",
    "epicerie-fine": "Épicerie fine",
    "mode-seconde-main": "Boutique",
    "artisanat-art": "Atelier",
    "fromagerie-cremerie": "Fromagerie",
    "fleuriste": "Fleurs",
    "poissonnerie": "Poissonnerie",
    "maison-cuisine": "Maison",
    "jeux-jouets": "Jeux et jouets",
    "chocolaterie-confiserie": "Chocolaterie",
    "beaute-cosmetique": "Parfumerie",
    "pharmacie-parapharmacie": "Pharmacie",
    "disquaire": "Disquaire",
    "informatique-telephonie": "Informatique",
    "bricolage-quincaillerie": "Quincaillerie",
    "presse-papeterie": "Maison de la presse",
    "sante-orthopedie": "Orthopédie",
    "auto-velo": "Cycles",
    "optique": "Optique",
}
PLACES = _listed(
    "des Lilas, du Marché, de la Gare, du Canal, des Halles, Saint-Martin, du Parc, "
    "de la Fontaine, des Tilleuls, du Centre, de l'Église, des Arts, du Pont, de la Place, "
    "des Vignes, du Moulin, des Écoles, de la Poste, du Port, des Remparts, du Faubourg, "
    "des Acacias, du Square, de la Mairie, des Platanes, du Lavoir, de la Butte, "
    "des Quais, du Théâtre, des Jardins, Belleville, Montmartre, Bastille, Voltaire, "
    "Gambetta, Pasteur, Jaurès, Mouffetard, Daguerre, Oberkampf, des Abbesses, "
    "des Martyrs, Cler, du Commerce, de la République, des Batignolles, Saint-Paul, Lepic"
)
STREETS = _listed(
    "rue de la République, avenue Jean-Jaurès, boulevard Voltaire, rue Victor-Hugo, "
    "place du Marché, rue Pasteur, rue de la Paix, rue Gambetta, rue du Commerce, "
    "rue des Écoles, avenue de la Gare, rue Saint-Martin, rue du Moulin, "
    "boulevard de la Liberté, rue des Lilas, rue Émile-Zola, rue Jean-Moulin, "
    "quai du Canal, rue de l'Église, avenue du Général-Leclerc"
)
FOOD_VARIANTS = (
    ("", *_listed("bio, maison, de saison, tradition, premium, nature, allégé, artisanal, local")),
    (
        "",
        *_listed(
            "format familial, petit format, lot de 2, lot de 3, lot de 6, à la coupe, en vrac, "
            "coffret, recharge"
        ),
    ),
)
GOODS_VARIANTS = (
    ("", *_listed("bleu, rouge, vert, noir, blanc, gris, jaune, rose, naturel")),
    (
        "",
        *_listed(
            "petit modèle, grand modèle, édition spéciale, lot de 2, coffret cadeau, "
            "format voyage, version luxe, modèle enfant, reconditionné"
        ),
    ),
)
