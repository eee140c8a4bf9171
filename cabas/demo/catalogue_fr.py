"""What a shop of each rayon plausibly sells, in French, with a usual price range.

Food shops sell these fresh or house-made items beside Open Food Facts products;
other shops sell only these. Rayons without a list here (hairdressers, laundries,
copy shops, "autre") join as a vitrine: hours, services and contact, no catalogue.
Each line reads "name | lowest-highest price in euros".
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Item:
    rayon: str
    name: str
    low_cents: int
    high_cents: int


VOCABULARY: dict[str, str] = {
    "boulangerie-patisserie": """
        Baguette de tradition | 1.10-1.40
        Baguette classique | 0.95-1.20
        Pain de campagne au levain 500 g | 3.20-4.80
        Pain complet 400 g | 2.60-3.80
        Pain aux céréales 400 g | 2.80-4.20
        Croissant pur beurre | 1.05-1.50
        Pain au chocolat | 1.15-1.60
        Pain aux raisins | 1.40-1.90
        Chausson aux pommes | 1.60-2.30
        Brioche tressée 400 g | 4.50-6.90
        Éclair au chocolat | 2.80-3.90
        Tarte aux fraises (part) | 3.80-5.20
        Flan pâtissier (part) | 2.60-3.60
        Paris-brest individuel | 4.20-5.80
        Mille-feuille | 3.60-4.90
        Tartelette au citron meringuée | 3.50-4.80
        Galette des rois frangipane 6 parts | 18.00-28.00
        Fougasse aux olives | 3.20-4.50
        Sandwich jambon-beurre | 3.80-5.50
        Quiche lorraine individuelle | 3.50-4.80
        Chouquettes (sachet de 10) | 2.50-3.80
        Financiers (sachet de 6) | 4.80-6.90
        Cookie aux pépites de chocolat | 1.90-2.80
    """,
    "boucherie-charcuterie": """
        Entrecôte de bœuf (300 g) | 9.50-14.90
        Steak haché pur bœuf x2 | 5.20-7.40
        Bavette d'aloyau (250 g) | 6.90-9.80
        Rôti de bœuf ficelé (1 kg) | 24.00-34.00
        Bourguignon de bœuf (1 kg) | 16.50-22.00
        Côtes d'agneau (4 pièces) | 11.50-16.90
        Gigot d'agneau (1 kg) | 22.00-31.00
        Escalope de veau (2 pièces) | 9.80-14.50
        Blanquette de veau (1 kg) | 19.00-26.00
        Poulet fermier Label Rouge (1,6 kg) | 14.50-21.00
        Cuisses de poulet (4 pièces) | 6.90-9.80
        Rôti de porc dans l'échine (1 kg) | 11.50-15.90
        Côtes de porc (2 pièces) | 5.20-7.40
        Saucisses de Toulouse (4 pièces) | 6.20-8.80
        Merguez maison (6 pièces) | 6.50-8.90
        Jambon blanc à l'os (4 tranches) | 6.40-8.90
        Pâté en croûte (part) | 3.90-5.60
        Terrine de campagne (200 g) | 4.20-6.10
        Rillettes du Mans (200 g) | 4.40-6.20
        Saucisson sec artisanal | 6.80-9.90
        Boudin noir aux oignons (2 pièces) | 4.60-6.50
        Poulet rôti entier | 12.50-16.90
        Pommes de terre rôties (barquette) | 3.50-5.00
    """,
    "fromagerie-cremerie": """
        Comté AOP 18 mois (200 g) | 5.60-7.90
        Comté AOP 30 mois (200 g) | 7.20-9.80
        Camembert de Normandie au lait cru | 4.20-6.50
        Brie de Meaux AOP (250 g) | 5.40-7.60
        Roquefort AOP (150 g) | 4.80-6.90
        Saint-Nectaire fermier (250 g) | 5.90-8.20
        Reblochon de Savoie fermier | 7.90-10.90
        Crottin de Chavignol | 3.20-4.50
        Sainte-Maure de Touraine | 6.20-8.50
        Tomme de Savoie (250 g) | 4.90-6.90
        Morbier AOP (250 g) | 4.60-6.40
        Mont d'Or (500 g) | 13.50-18.90
        Beaufort d'alpage (200 g) | 7.80-10.50
        Fourme d'Ambert (200 g) | 4.20-5.90
        Mimolette vieille (200 g) | 4.80-6.70
        Beurre de baratte demi-sel (250 g) | 3.60-5.20
        Crème fraîche crue (25 cl) | 2.80-4.10
        Fromage blanc fermier (500 g) | 3.20-4.60
        Yaourt fermier nature (x4) | 2.90-4.20
        Œufs de poules élevées en plein air (x6) | 2.60-3.90
        Lait cru entier (1 L) | 1.60-2.40
        Plateau de fromages à partager | 19.00-32.00
    """,
    "fruits-legumes": """
        Tomates grappe (1 kg) | 2.90-4.90
        Tomates cerises (250 g) | 2.20-3.50
        Pommes Golden (1 kg) | 2.30-3.60
        Pommes Pink Lady (1 kg) | 3.50-4.90
        Poires Conférence (1 kg) | 2.90-4.30
        Bananes (1 kg) | 1.90-2.80
        Oranges à jus (2 kg) | 4.50-6.50
        Citrons jaunes (x4) | 1.80-2.90
        Clémentines de Corse (1 kg) | 3.90-5.80
        Fraises gariguette (250 g) | 3.50-5.50
        Avocats (x2) | 2.40-3.80
        Carottes des sables (1 kg) | 1.60-2.60
        Courgettes (1 kg) | 2.40-3.90
        Pommes de terre à chair ferme (2,5 kg) | 3.50-5.50
        Poireaux (botte) | 2.20-3.40
        Salade batavia | 1.10-1.80
        Champignons de Paris (500 g) | 2.50-3.80
        Oignons jaunes (1 kg) | 1.50-2.40
        Ail violet (3 têtes) | 1.80-2.90
        Haricots verts extra-fins (500 g) | 3.20-4.90
        Bouquet de persil plat | 0.90-1.50
        Panier de légumes de saison | 12.00-20.00
    """,
    "poissonnerie": """
        Filet de cabillaud (300 g) | 7.50-10.90
        Pavé de saumon (2 pièces) | 8.90-12.90
        Dos de lieu noir (300 g) | 6.20-8.90
        Filet de merlu (300 g) | 6.90-9.50
        Daurade royale entière | 8.50-13.50
        Bar de ligne (500 g) | 14.00-21.00
        Sardines fraîches (500 g) | 4.50-6.90
        Maquereaux entiers (x2) | 4.20-6.20
        Moules de bouchot (1 kg) | 4.90-7.50
        Huîtres creuses n°3 (douzaine) | 9.90-15.90
        Crevettes roses cuites (250 g) | 5.90-8.50
        Noix de Saint-Jacques (200 g) | 12.50-18.90
        Bulots cuits (500 g) | 6.50-9.20
        Saumon fumé (4 tranches) | 7.90-11.50
        Soupe de poissons maison (1 L) | 7.50-10.50
        Rillettes de thon (150 g) | 3.90-5.60
        Tarama maison (150 g) | 3.80-5.50
        Brandade de morue (300 g) | 6.20-8.90
        Encornets (500 g) | 7.90-11.50
        Plateau de fruits de mer pour deux | 42.00-65.00
    """,
    "epicerie-fine": """
        Huile d'olive vierge extra (50 cl) | 9.50-16.90
        Vinaigre balsamique de Modène (25 cl) | 6.50-12.90
        Moutarde à l'ancienne (200 g) | 3.20-5.40
        Miel de lavande (250 g) | 7.50-11.90
        Confiture extra de figues (320 g) | 5.20-7.90
        Caramel au beurre salé à tartiner (220 g) | 5.90-8.50
        Tapenade noire (100 g) | 4.20-6.20
        Sardines millésimées (115 g) | 6.90-12.50
        Foie gras de canard entier (180 g) | 24.00-36.00
        Thé vert au jasmin (100 g) | 7.90-12.90
        Café de spécialité en grains (250 g) | 8.90-14.50
        Fleur de sel de Guérande (125 g) | 4.50-6.90
        Piment d'Espelette AOP (40 g) | 6.90-9.90
        Pâtes artisanales au blé dur (500 g) | 3.90-5.90
        Biscuits sablés au beurre (150 g) | 3.80-5.90
        Coffret gourmand découverte | 29.00-49.00
        Truffes au chocolat (200 g) | 9.50-14.50
        Riz de Camargue (1 kg) | 4.90-7.20
        Lentilles vertes du Puy AOP (500 g) | 3.60-5.20
        Jus de pomme artisanal (1 L) | 3.50-5.20
    """,
    "epicerie": """
        Œufs frais (x12) | 3.20-4.80
        Lait demi-écrémé (1 L) | 0.95-1.40
        Pain de mie (500 g) | 1.60-2.60
        Farine de blé T55 (1 kg) | 0.95-1.70
        Sucre en poudre (1 kg) | 1.20-1.90
        Riz basmati (1 kg) | 2.20-3.60
        Pâtes coquillettes (500 g) | 0.95-1.80
        Huile de tournesol (1 L) | 2.10-3.20
        Café moulu (250 g) | 2.90-4.80
        Eau minérale (6 x 1,5 L) | 2.40-4.20
        Papier toilette (6 rouleaux) | 2.90-4.50
        Liquide vaisselle (500 ml) | 1.60-2.80
        Lessive liquide (1,5 L) | 5.50-8.90
        Savon de Marseille (300 g) | 2.50-3.90
        Sac cabas réutilisable | 1.00-2.50
        Éponges grattantes (lot de 3) | 1.50-2.90
        Sacs poubelle 30 L (x20) | 2.20-3.90
        Allumettes (boîte) | 0.80-1.50
        Bougies chauffe-plat (x10) | 1.90-3.50
        Piles alcalines AA (x4) | 3.90-6.50
    """,
    "cave": """
        Côtes-du-Rhône rouge (75 cl) | 7.50-12.90
        Bordeaux supérieur rouge (75 cl) | 8.90-15.90
        Bourgogne pinot noir (75 cl) | 14.50-24.00
        Saint-Émilion grand cru (75 cl) | 22.00-39.00
        Sancerre blanc (75 cl) | 16.50-24.50
        Muscadet sur lie (75 cl) | 7.50-11.90
        Chablis (75 cl) | 15.90-23.50
        Rosé de Provence (75 cl) | 9.50-16.90
        Crémant de Loire brut (75 cl) | 10.90-15.90
        Champagne brut (75 cl) | 26.00-45.00
        Vin nature du Beaujolais (75 cl) | 12.50-19.90
        Bière blonde artisanale d'Île-de-France (33 cl) | 2.90-4.50
        Bière IPA artisanale (33 cl) | 3.20-4.90
        Bière ambrée (75 cl) | 5.90-8.90
        Cidre brut fermier (75 cl) | 4.50-7.50
        Whisky single malt (70 cl) | 35.00-69.00
        Rhum agricole blanc (70 cl) | 24.00-39.00
        Calvados Pays d'Auge (70 cl) | 29.00-49.00
        Gin artisanal (70 cl) | 29.00-45.00
        Jus de raisin pétillant (75 cl) | 4.90-7.50
        Coffret dégustation trois vins | 35.00-59.00
    """,
    "chocolaterie-confiserie": """
        Tablette chocolat noir 70 % (100 g) | 4.90-7.50
        Tablette chocolat au lait praliné (100 g) | 5.20-7.90
        Ballotin de chocolats assortis (250 g) | 19.00-29.00
        Ballotin de chocolats assortis (500 g) | 36.00-55.00
        Truffes au cacao (200 g) | 12.00-18.00
        Orangettes (150 g) | 9.50-14.50
        Mendiants (150 g) | 8.90-13.50
        Pâte à tartiner noisette maison (250 g) | 7.90-11.90
        Caramels au beurre salé (200 g) | 6.90-9.90
        Pâtes de fruits (250 g) | 8.50-12.90
        Guimauves artisanales (150 g) | 6.50-9.50
        Nougat de Montélimar (200 g) | 6.90-10.50
        Calissons d'Aix (200 g) | 11.50-16.90
        Macarons assortis (boîte de 6) | 9.90-14.50
        Marrons glacés (boîte de 6) | 14.50-21.00
        Œuf de Pâques en chocolat | 12.00-24.00
        Sucettes artisanales (x3) | 4.50-6.90
        Chocolat chaud à l'ancienne (250 g) | 7.50-11.50
        Florentins aux amandes (150 g) | 8.50-12.50
        Coffret cadeau chocolats | 25.00-45.00
    """,
    "traiteur-restaurant": """
        Quiche lorraine (part) | 4.20-6.50
        Lasagnes maison | 9.50-14.50
        Taboulé libanais 500 g | 5.90-8.90
        Hachis parmentier | 9.90-13.90
        Bœuf bourguignon et purée | 13.50-18.90
        Blanquette de veau à l'ancienne | 13.90-19.50
        Poulet basquaise et riz | 11.50-15.90
        Couscous royal | 14.50-19.90
        Tajine d'agneau aux pruneaux | 14.90-19.90
        Curry de légumes et riz basmati | 10.50-14.50
        Pad thaï aux crevettes | 11.90-15.90
        Bo bun au bœuf | 11.50-14.90
        Salade César | 9.50-13.50
        Salade niçoise | 9.90-13.90
        Soupe du jour (50 cl) | 5.50-7.90
        Gratin dauphinois (part) | 4.90-6.90
        Ratatouille maison 500 g | 6.90-9.50
        Tarte aux légumes de saison (part) | 4.80-6.90
        Plat végétarien du jour | 10.50-14.50
        Formule déjeuner plat et dessert | 14.00-19.00
        Tiramisu maison | 4.50-6.50
        Mousse au chocolat | 4.20-5.90
        Tarte Tatin (part) | 4.50-6.50
        Plateau apéritif à partager | 18.00-29.00
    """,
    "librairie": """
        Album jeunesse illustré | 12.90-18.50
        Roman de la rentrée littéraire | 19.00-23.50
        Roman policier en poche | 7.90-9.90
        Bande dessinée | 14.50-24.90
        Manga (volume) | 6.90-7.90
        Guide de randonnée Île-de-France | 14.90-19.90
        Guide de voyage Italie | 16.90-24.90
        Livre de cuisine de saison | 19.90-32.00
        Essai d'actualité | 18.00-24.00
        Biographie | 21.00-26.00
        Recueil de poésie | 8.00-16.00
        Classique de la littérature en poche | 3.90-8.90
        Livre d'art | 29.00-49.00
        Atlas du monde | 24.90-39.90
        Cahier d'activités maternelle | 5.90-8.90
        Roman jeunesse 9-12 ans | 12.90-16.90
        Premier imagier cartonné | 9.90-14.90
        Dictionnaire de français | 24.90-32.00
        Carnet de croquis A5 | 8.90-15.90
        Marque-pages illustrés (x4) | 3.90-6.90
        Carte cadeau librairie 20 € | 20.00-20.00
        Plan de Paris par arrondissement | 9.90-14.90
    """,
    "disquaire": """
        Vinyle 33 tours nouveauté | 24.90-34.90
        Vinyle 33 tours d'occasion | 8.00-25.00
        Vinyle 45 tours d'occasion | 3.00-9.00
        Réédition vinyle jazz | 26.90-34.90
        Album CD de chanson française | 12.90-18.90
        Album CD de musique classique | 11.90-19.90
        Coffret intégrale CD | 29.90-59.90
        Bande originale de film en vinyle | 27.90-36.90
        Vinyle coloré édition limitée | 29.90-42.00
        Cassette audio | 9.90-14.90
        Pochettes de protection vinyle (x25) | 8.90-14.90
        Brosse antistatique pour vinyles | 12.90-24.90
        Platine vinyle d'entrée de gamme | 129.00-249.00
        Partition de piano | 12.50-24.90
        Cordes de guitare acoustique | 8.90-16.90
        Harmonica diatonique | 24.90-49.00
        Carte cadeau disquaire 30 € | 30.00-30.00
        Affiche de concert sérigraphiée | 25.00-45.00
        Casque audio filaire | 39.00-89.00
        Vinyle de musique électronique | 22.90-29.90
    """,
    "jeux-jouets": """
        Jeu de société familial | 24.90-39.90
        Jeu de cartes d'ambiance | 12.90-19.90
        Puzzle 1000 pièces | 14.90-24.90
        Puzzle enfant 48 pièces | 9.90-14.90
        Jeu de construction en bois | 29.90-49.90
        Peluche lapin | 19.90-34.90
        Poupée en tissu | 24.90-39.90
        Voiture à friction | 7.90-14.90
        Circuit de billes | 29.90-54.90
        Jeu de stratégie expert | 39.90-59.90
        Jeu d'éveil premier âge | 14.90-29.90
        Kit de loisirs créatifs | 12.90-24.90
        Pâte à modeler (lot de 8) | 8.90-12.90
        Cerf-volant | 14.90-29.90
        Ballon de football | 12.90-24.90
        Corde à sauter | 5.90-9.90
        Jeu d'échecs en bois | 24.90-59.90
        Maquette à assembler | 19.90-39.90
        Déguisement enfant | 19.90-34.90
        Livre-jeu d'énigmes | 9.90-16.90
        Toupie en bois | 4.90-9.90
    """,
    "presse-papeterie": """
        Quotidien national | 2.50-3.00
        Hebdomadaire d'actualité | 4.50-6.90
        Magazine jeunesse | 5.50-7.90
        Magazine de cuisine | 4.90-6.90
        Cahier grands carreaux 96 pages | 1.90-3.50
        Carnet de notes A5 | 4.50-9.90
        Stylos à bille (lot de 4) | 2.90-4.90
        Crayons de couleur (boîte de 12) | 4.90-8.90
        Feutres (pochette de 12) | 5.50-9.90
        Ramette de papier A4 500 feuilles | 5.90-8.90
        Enveloppes (paquet de 50) | 3.90-6.50
        Cartes postales de Paris (x5) | 3.00-5.50
        Carte d'anniversaire | 2.50-4.90
        Agenda de l'année | 9.90-19.90
        Trousse scolaire | 6.90-14.90
        Classeur A4 | 3.90-6.90
        Calculatrice de collège | 14.90-22.90
        Colle en bâton | 1.50-2.90
        Ruban adhésif | 1.50-3.50
        Timbres lettre verte (carnet de 12) | 15.36-15.36
        Plan de la ville | 6.90-9.90
    """,
    "artisanat-art": """
        Bol en céramique tourné main | 18.00-32.00
        Tasse en grès émaillé | 16.00-28.00
        Vase en céramique | 35.00-85.00
        Assiette peinte à la main | 24.00-45.00
        Bougie en cire végétale | 14.00-26.00
        Savon artisanal saponifié à froid | 6.00-9.50
        Boucles d'oreilles en laiton | 25.00-55.00
        Bracelet tissé main | 15.00-35.00
        Carnet relié main | 18.00-34.00
        Sac en toile sérigraphié | 18.00-32.00
        Affiche illustrée A3 | 20.00-40.00
        Linogravure originale | 45.00-120.00
        Cadre en bois fait main | 25.00-60.00
        Porte-clés en cuir | 12.00-24.00
        Coussin brodé | 35.00-65.00
        Plaid tricoté main | 85.00-160.00
        Petite sculpture en bronze | 120.00-350.00
        Objet en bois tourné | 28.00-75.00
        Miroir en mosaïque | 45.00-110.00
        Atelier d'initiation (carte cadeau) | 45.00-75.00
        Suspension en macramé | 32.00-69.00
    """,
    "fleuriste": """
        Bouquet de saison | 25.00-45.00
        Bouquet de roses (10 tiges) | 29.00-49.00
        Bouquet champêtre | 22.00-39.00
        Composition florale pour table | 35.00-65.00
        Tulipes (botte de 10) | 12.00-19.00
        Pivoines (botte de 5) | 18.00-29.00
        Orchidée en pot | 24.00-39.00
        Plante verte d'intérieur | 19.00-45.00
        Cactus en pot | 8.00-18.00
        Plante aromatique en pot | 3.90-6.90
        Olivier en pot | 39.00-89.00
        Bouquet de fleurs séchées | 24.00-49.00
        Couronne de porte | 35.00-59.00
        Terreau universel (20 L) | 7.90-12.90
        Pot en terre cuite | 6.90-24.90
        Cache-pot en céramique | 14.90-34.90
        Arrosoir en zinc | 19.90-34.90
        Engrais pour plantes fleuries | 6.90-10.90
        Carte de vœux à joindre | 2.50-4.50
        Abonnement bouquet mensuel | 35.00-55.00
    """,
    "bricolage-quincaillerie": """
        Tournevis plat et cruciforme (lot de 6) | 9.90-19.90
        Marteau de menuisier | 12.90-24.90
        Mètre ruban 5 m | 6.90-12.90
        Niveau à bulle 60 cm | 12.90-24.90
        Perceuse-visseuse sans fil | 69.00-139.00
        Forets bois et métal (coffret) | 14.90-29.90
        Chevilles et vis assorties (boîte) | 7.90-14.90
        Clous tête plate (boîte de 500 g) | 4.90-8.90
        Ampoule LED E27 | 4.90-9.90
        Rallonge électrique 5 m | 9.90-19.90
        Multiprise 4 prises | 8.90-16.90
        Ruban adhésif de masquage | 3.50-6.90
        Pinceau plat 50 mm | 4.90-9.90
        Peinture acrylique blanche (2,5 L) | 24.90-44.90
        Joint silicone sanitaire | 6.90-11.90
        Cadenas en laiton | 7.90-19.90
        Double de clé | 3.50-8.00
        Colle forte universelle | 4.90-8.90
        Gants de travail | 5.90-12.90
        Escabeau 3 marches | 34.90-59.90
        Pince multiprise | 12.90-24.90
        Scie égoïne | 14.90-29.90
    """,
    "maison-cuisine": """
        Poêle en fonte 24 cm | 39.00-79.00
        Casserole inox 18 cm | 29.00-59.00
        Couteau de chef | 35.00-89.00
        Planche à découper en bois | 19.00-39.00
        Théière en fonte | 29.00-59.00
        Cafetière à piston | 19.90-39.90
        Verres à vin (lot de 4) | 19.90-39.90
        Assiettes plates (lot de 6) | 29.90-59.90
        Nappe en lin | 39.00-79.00
        Torchons en coton (lot de 3) | 12.90-24.90
        Tablier de cuisine | 19.90-34.90
        Bocaux en verre (lot de 3) | 12.90-22.90
        Moulin à poivre | 24.90-49.90
        Lampe à poser | 49.00-119.00
        Coussin en velours | 24.90-44.90
        Plaid en laine | 49.00-99.00
        Bougie parfumée | 19.90-39.90
        Panier en osier | 24.90-49.90
        Miroir rond | 39.00-89.00
        Cadre photo | 12.90-29.90
        Vase en verre soufflé | 29.00-69.00
        Boîte à pain en bois | 29.90-49.90
    """,
    "beaute-cosmetique": """
        Crème hydratante visage (50 ml) | 18.90-39.90
        Sérum anti-âge (30 ml) | 29.90-59.90
        Eau micellaire (400 ml) | 9.90-16.90
        Baume à lèvres | 4.90-9.90
        Shampooing doux (250 ml) | 9.90-18.90
        Après-shampooing (200 ml) | 10.90-19.90
        Savon surgras | 4.90-8.90
        Gel douche (250 ml) | 6.90-12.90
        Lait corporel (200 ml) | 12.90-24.90
        Eau de parfum (50 ml) | 59.00-129.00
        Eau de toilette (100 ml) | 39.00-89.00
        Rouge à lèvres | 19.90-34.90
        Mascara | 19.90-32.90
        Vernis à ongles | 9.90-16.90
        Crème mains (75 ml) | 7.90-14.90
        Huile sèche corps (100 ml) | 19.90-34.90
        Masque visage à l'argile | 12.90-22.90
        Déodorant naturel | 8.90-14.90
        Brosse à cheveux en bois | 14.90-29.90
        Coffret soin découverte | 29.00-59.00
        Bon cadeau soin du visage | 50.00-90.00
    """,
    "pharmacie-parapharmacie": """
        Gel hydroalcoolique (100 ml) | 2.90-4.90
        Masques chirurgicaux (boîte de 50) | 6.90-12.90
        Thermomètre digital | 7.90-14.90
        Pansements assortis (boîte de 30) | 3.90-6.90
        Compresses stériles (x10) | 2.50-4.90
        Sérum physiologique (30 unidoses) | 3.90-6.50
        Crème solaire SPF 50 (200 ml) | 14.90-24.90
        Crème réparatrice mains | 5.90-9.90
        Baume lèvres réparateur | 4.50-7.90
        Brosse à dents souple | 2.90-5.90
        Dentifrice au fluor | 2.90-5.90
        Bain de bouche (500 ml) | 4.90-8.90
        Tisane digestion (20 sachets) | 3.90-6.90
        Vitamine C à croquer | 6.90-12.90
        Magnésium marin (60 gélules) | 9.90-16.90
        Pastilles pour la gorge | 4.50-7.90
        Spray nasal à l'eau de mer | 5.90-9.90
        Coton-tiges (x200) | 1.90-3.90
        Lait de toilette bébé (500 ml) | 7.90-13.90
        Répulsif anti-moustiques | 8.90-14.90
        Test de grossesse | 8.90-13.90
    """,
    "sante-orthopedie": """
        Bas de contention (paire) | 29.00-49.00
        Genouillère ligamentaire | 24.90-49.90
        Chevillère de maintien | 19.90-39.90
        Ceinture lombaire | 34.90-69.90
        Attelle de poignet | 19.90-39.90
        Canne de marche réglable | 19.90-39.90
        Coussin d'assise ergonomique | 29.90-59.90
        Oreiller à mémoire de forme | 39.00-79.00
        Tensiomètre au bras | 39.00-79.00
        Oxymètre de pouls | 24.90-44.90
        Semelles orthopédiques | 24.90-49.90
        Pilulier semainier | 7.90-14.90
        Pince de préhension | 14.90-24.90
        Bouillotte | 9.90-19.90
        Poches de froid réutilisables | 7.90-14.90
        Déambulateur pliant | 69.00-129.00
        Tapis de bain antidérapant | 14.90-24.90
        Rehausseur de toilettes | 29.90-54.90
        Bandes de sport élastiques | 9.90-19.90
        Thermomètre sans contact | 24.90-49.90
    """,
    "optique": """
        Lunettes de soleil polarisées | 59.00-149.00
        Lunettes de lecture +1,5 | 19.00-39.00
        Lunettes de lecture +2,5 | 19.00-39.00
        Monture optique en acétate | 99.00-219.00
        Monture optique en titane | 129.00-289.00
        Lentilles de contact mensuelles (x6) | 24.90-39.90
        Solution d'entretien lentilles (360 ml) | 9.90-16.90
        Étui à lunettes rigide | 9.90-24.90
        Chiffon microfibre | 2.90-6.90
        Spray nettoyant verres | 5.90-9.90
        Cordon à lunettes | 6.90-14.90
        Lunettes de protection écran | 39.00-79.00
        Lunettes de soleil enfant | 29.00-59.00
        Loupe de lecture | 14.90-34.90
        Kit de réparation lunettes | 4.90-9.90
        Masque de ski | 49.00-119.00
        Jumelles compactes | 49.00-129.00
        Lunettes de natation correctrices | 29.00-59.00
        Bon pour un contrôle de la vue | 10.00-10.00
        Lunettes de sport | 59.00-129.00
    """,
    "informatique-telephonie": """
        Câble USB-C 1 m | 9.90-19.90
        Chargeur secteur 20 W | 14.90-29.90
        Batterie externe 10 000 mAh | 24.90-44.90
        Coque de téléphone | 12.90-29.90
        Verre trempé de protection | 9.90-19.90
        Écouteurs sans fil | 29.00-89.00
        Souris sans fil | 14.90-34.90
        Clavier AZERTY | 24.90-59.90
        Clé USB 64 Go | 9.90-19.90
        Disque dur externe 1 To | 54.90-79.90
        Carte microSD 128 Go | 14.90-29.90
        Webcam HD | 39.00-79.00
        Hub USB 4 ports | 19.90-34.90
        Support d'ordinateur portable | 24.90-49.90
        Housse pour ordinateur 14 pouces | 19.90-39.90
        Smartphone reconditionné | 149.00-349.00
        Ordinateur portable reconditionné | 249.00-599.00
        Remplacement d'écran de smartphone | 59.00-149.00
        Cartouche d'encre noire | 14.90-34.90
        Câble HDMI 2 m | 9.90-19.90
        Enceinte Bluetooth | 29.00-89.00
    """,
    "mode-seconde-main": """
        T-shirt en coton bio | 19.00-39.00
        Chemise en lin | 49.00-99.00
        Pull en laine mérinos | 69.00-129.00
        Jean coupe droite | 59.00-119.00
        Robe imprimée | 49.00-119.00
        Veste en jean d'occasion | 25.00-55.00
        Manteau vintage | 45.00-120.00
        Écharpe en laine | 29.00-59.00
        Bonnet tricoté | 19.00-39.00
        Foulard en soie | 35.00-79.00
        Sac en cuir | 79.00-189.00
        Ceinture en cuir | 29.00-59.00
        Portefeuille | 29.00-69.00
        Baskets en toile | 49.00-89.00
        Bottines en cuir | 89.00-169.00
        Chaussettes (lot de 3) | 12.00-24.00
        Collier fantaisie | 19.00-49.00
        Boucles d'oreilles | 15.00-45.00
        Pyjama en coton | 35.00-69.00
        Body bébé en coton bio | 14.00-25.00
        Tote bag imprimé | 12.00-25.00
        Casquette | 19.00-35.00
    """,
    "auto-velo": """
        Chambre à air vélo 700 | 6.90-11.90
        Pneu de vélo urbain | 19.90-39.90
        Antivol en U | 24.90-59.90
        Éclairage vélo avant et arrière | 14.90-34.90
        Casque de vélo urbain | 34.90-79.90
        Pompe à pied | 19.90-39.90
        Kit de réparation crevaison | 5.90-9.90
        Sacoche de porte-bagages | 29.90-59.90
        Gants de vélo | 14.90-29.90
        Chaîne de vélo | 14.90-29.90
        Plaquettes de frein | 9.90-24.90
        Sonnette de vélo | 5.90-12.90
        Révision complète de vélo | 49.00-79.00
        Huile de chaîne | 6.90-12.90
        Balais d'essuie-glace (paire) | 14.90-29.90
        Ampoule de phare H7 | 9.90-19.90
        Liquide de refroidissement (1 L) | 6.90-12.90
        Huile moteur 5W30 (5 L) | 34.90-54.90
        Kit de sécurité gilet et triangle | 14.90-24.90
        Batterie de voiture 60 Ah | 79.00-129.00
        Trottinette électrique reconditionnée | 249.00-449.00
    """,
}


def _parse(rayon: str, block: str) -> tuple[Item, ...]:
    items = []
    for line in block.strip().splitlines():
        name, prices = (part.strip() for part in line.split("|"))
        low, high = (round(float(price) * 100) for price in prices.split("-"))
        items.append(Item(rayon, name, low, high))
    return tuple(items)


@cache
def items_by_rayon() -> dict[str, tuple[Item, ...]]:
    """The vocabulary of every rayon that has one, in a stable order."""
    return {rayon: _parse(rayon, block) for rayon, block in VOCABULARY.items()}


@cache
def item_numbers() -> dict[tuple[str, str], int]:
    """A number per item for demo SKUs "D-<n>", from a hash of its rayon and name.

    Hash-based rather than positional, so editing the vocabulary never shifts the SKUs
    of other items (an offer keeps its SKU across reloads).
    """
    numbers: dict[tuple[str, str], int] = {}
    for rayon, items in items_by_rayon().items():
        for item in items:
            digest = hashlib.sha256(f"{rayon}:{item.name}".encode()).hexdigest()
            numbers[(rayon, item.name)] = int(digest[:8], 16) % 10_000_000
    if len(set(numbers.values())) != len(numbers):
        raise ValueError("two vocabulary items share a demo SKU number: rename one")
    return numbers
