"""Made-up but believable names, drawn without repeats from embedded lists.

Given and family names are grouped by origin and mostly paired within one, so the
people read like a mixed British city rather than random syllables. Nicknames give the
"Bob" on Facebook for the "Robert" in the address book; spelling variants and a few
deliberate namesakes make name matching as ambiguous as it is in real life.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass


def _words(text: str) -> tuple[str, ...]:
    return tuple(word.strip() for word in text.split(",") if word.strip())


# origin: (weight, given names, family names)
ORIGINS: dict[str, tuple[int, tuple[str, ...], tuple[str, ...]]] = {
    "english": (
        40,
        _words(
            """
            Alice, Amelia, Anna, Charlotte, Chloe, Claire, Eleanor, Elizabeth, Emily, Emma,
            Grace, Hannah, Harriet, Helen, Imogen, Jennifer, Jessica, Joanna, Katherine, Laura,
            Lucy, Margaret, Rachel, Rebecca, Rosie, Ruth, Sarah, Sophie, Victoria, Zoë, Abigail,
            Philippa, Adam, Alexander, Andrew, Benjamin, Christopher, Daniel, Edward, George,
            Harry, Jack, James, John, Jonathan, Joseph, Matthew, Michael, Nicholas, Oliver, Paul,
            Peter, Philip, Richard, Robert, Samuel, Simon, Stephen, Thomas, William, Anthony,
            Toby
            """
        ),
        _words(
            """
            Smith, Taylor, Brown, Wilson, Johnson, Robinson, Wright, Thompson, Walker, White,
            Roberts, Green, Hall, Wood, Jackson, Clarke, Harris, Turner, Cooper, Hill, Ward,
            Baker, Carter, Parker, Shaw, Bennett, Fletcher, Marsh, Palmer, Holmes, Barnes,
            Fisher, Hartley, Ashworth, Pennington, Whitfield, Lambert, Kendall
            """
        ),
    ),
    "celtic": (
        12,
        _words(
            """
            Niamh, Siobhan, Caitlin, Aoife, Sinéad, Eilidh, Ffion, Bethan, Siân, Mairead, Orla,
            Isla, Rhys, Owen, Declan, Ciaran, Gareth, Iain, Euan, Hamish, Dylan, Callum, Padraig,
            Cormac, Fergus
            """
        ),
        _words(
            """
            Murphy, O'Brien, Kelly, Byrne, Walsh, Doyle, McCarthy, Quinn, MacDonald, Stewart,
            Fraser, Murray, Campbell, Davies, Evans, Hughes, Griffiths, Lloyd, Price, Morgan,
            Gallagher, Fitzgerald, O'Connor, Thomson, Sullivan
            """
        ),
    ),
    "south_asian": (
        12,
        _words(
            """
            Aisha, Anjali, Priya, Sunita, Nisha, Farah, Zainab, Ayesha, Meera, Kavita, Deepa,
            Shreya, Raj, Arjun, Sanjay, Vikram, Imran, Omar, Hassan, Tariq, Nikhil, Rohan, Amit,
            Faisal, Kiran
            """
        ),
        _words(
            """
            Patel, Khan, Shah, Begum, Hussain, Ahmed, Ali, Singh, Kaur, Gupta, Sharma, Mistry,
            Chopra, Desai, Iqbal, Rahman, Chaudhry, Malik, Nair, Reddy
            """
        ),
    ),
    "west_african": (
        7,
        _words(
            """
            Adaeze, Chiamaka, Ngozi, Amara, Folake, Kemi, Abena, Ama, Yewande, Chidi, Emeka,
            Kwame, Kofi, Tunde, Femi, Kwabena, Obinna, Yaw
            """
        ),
        _words(
            """
            Okafor, Adeyemi, Mensah, Owusu, Boateng, Nwosu, Eze, Balogun, Asante, Okonkwo,
            Adebayo, Darko, Ogunleye, Appiah
            """
        ),
    ),
    "caribbean": (
        3,
        _words(
            """
            Marcia, Shanice, Tanisha, Janelle, Keisha, Delroy, Winston, Marcus, Dwayne, Leroy,
            Clive
            """
        ),
        ("Campbell", "Francis", "Grant", "Samuels", "Henry", "Gordon", "Reid", "Brathwaite"),
    ),
    "east_asian": (
        7,
        _words(
            """
            Mei, Lin, Yuki, Hana, Ji-woo, Min-seo, Linh, Xin, Wei, Hiroshi, Kenji, Jun, Min-jun,
            Minh, Tao, Haruto
            """
        ),
        _words(
            """
            Chen, Wang, Li, Zhang, Liu, Nguyen, Tran, Kim, Park, Lee, Tanaka, Sato, Yamamoto,
            Huang, Wong, Pham
            """
        ),
    ),
    "polish": (
        5,
        _words(
            """
            Agnieszka, Katarzyna, Magdalena, Aleksandra, Joanna, Zofia, Piotr, Tomasz, Marek,
            Łukasz, Krzysztof, Pawel
            """
        ),
        _words(
            """
            Nowak, Kowalski, Wiśniewska, Kamiński, Lewandowska, Zielinski, Wójcik, Mazur,
            Krawczyk
            """
        ),
    ),
    "southern_european": (
        6,
        _words(
            """
            Lucia, Sofia, Elena, Carmen, Giulia, Francesca, Inês, Marta, Javier, Pablo, Mateo,
            Marco, Luca, João, Alessandro, Nikos
            """
        ),
        _words(
            """
            Garcia, Rodriguez, Fernandez, Lopez, Silva, Santos, Rossi, Russo, Bianchi, Costa,
            Ferreira, Romano, Papadopoulos, Moreno
            """
        ),
    ),
    "northern_european": (
        4,
        _words(
            """
            Ingrid, Astrid, Anouk, Sanne, Camille, Mathilde, Lars, Sven, Pieter, Julien,
            Matthias, Henrik
            """
        ),
        _words(
            """
            Müller, Schmidt, Jansen, de Vries, Bakker, Andersson, Johansson, Nielsen, Hansen,
            Dubois, Moreau, Lefèvre
            """
        ),
    ),
    "middle_eastern": (
        4,
        _words(
            """
            Layla, Yasmin, Nour, Leila, Shirin, Dara, Karim, Tarek, Reza, Omid, Sami, Yusuf
            """
        ),
        ("Haddad", "Nasser", "Karimi", "Hosseini", "Mansour", "Saleh", "Farouk", "Rahimi"),
    ),
}

NICKNAMES: dict[str, tuple[str, ...]] = {
    "Robert": ("Bob", "Rob"),
    "William": ("Will", "Bill"),
    "Elizabeth": ("Liz", "Beth"),
    "Katherine": ("Kate", "Katie"),
    "Margaret": ("Maggie", "Meg"),
    "Thomas": ("Tom",),
    "Christopher": ("Chris",),
    "Jennifer": ("Jen", "Jenny"),
    "Alexander": ("Alex", "Sandy"),
    "Jonathan": ("Jon",),
    "Michael": ("Mike", "Mick"),
    "Samuel": ("Sam",),
    "Daniel": ("Dan", "Danny"),
    "Matthew": ("Matt",),
    "Rebecca": ("Becky", "Bex"),
    "Victoria": ("Vicky", "Tori"),
    "Joseph": ("Joe",),
    "Edward": ("Ed", "Ted"),
    "Benjamin": ("Ben",),
    "Nicholas": ("Nick",),
    "Stephen": ("Steve",),
    "Richard": ("Rich", "Richie"),
    "Anthony": ("Tony",),
    "Abigail": ("Abby",),
    "Eleanor": ("Ellie", "Nell"),
    "Philippa": ("Pippa",),
    "Katarzyna": ("Kasia",),
    "Aleksandra": ("Ola",),
    "Krzysztof": ("Krzys",),
    "Francesca": ("Fran",),
    "Alessandro": ("Sandro",),
}

# Spellings that a person can be written under and that fuzzy matching must cope with.
VARIANTS: dict[str, str] = {
    "John": "Jon",
    "Katherine": "Catherine",
    "Sarah": "Sara",
    "Stephen": "Steven",
    "Philip": "Phillip",
    "Smith": "Smyth",
    "MacDonald": "McDonald",
    "Clarke": "Clark",
    "Thomson": "Thompson",
    "Zoë": "Zoe",
}

MIDDLE_NAMES = _words(
    "Anne, Louise, Marie, Jane, Rose, Mary, James, John, Edward, David, Kumar, Joy"
)

_UNFOLDABLE = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "đ": "d"})


def ascii_fold(text: str) -> str:
    """``"Łukasz Wójcik"`` -> ``"Lukasz Wojcik"``: for handles, slugs and e-mail addresses."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNFOLDABLE))
    return (
        "".join(c for c in decomposed if not unicodedata.combining(c))
        .encode("ascii", "ignore")
        .decode("ascii")
    )


@dataclass(frozen=True)
class Name:
    given: str
    family: str

    @property
    def full(self) -> str:
        return f"{self.given} {self.family}"


class NameDrawer:
    """Draws full names that have not been drawn before (namesakes are planted on purpose)."""

    def __init__(self, rng: random.Random, reserved: tuple[str, ...] = ()) -> None:
        self._rng = rng
        self._taken: set[str] = set(reserved)
        self._origins = sorted(ORIGINS)
        self._weights = [ORIGINS[o][0] for o in self._origins]

    def draw(self, *, origin: str | None = None, family: str | None = None) -> Name:
        for _ in range(1000):
            chosen = origin or self._rng.choices(self._origins, self._weights)[0]
            _, given_names, family_names = ORIGINS[chosen]
            # One name in six mixes origins (marriage, adoption), as a city's names do.
            if family is None and self._rng.random() < 0.16:
                family_names = ORIGINS[self._rng.choice(self._origins)][2]
            name = Name(self._rng.choice(given_names), family or self._rng.choice(family_names))
            if name.full not in self._taken:
                self._taken.add(name.full)
                return name
        raise RuntimeError("ran out of distinct names")

    def claim(self, name: Name) -> None:
        """Mark a planted name (a namesake or a variant spelling) as used."""
        self._taken.add(name.full)


def variant(name: Name) -> Name | None:
    """Another spelling of ``name`` (Jon for John, Smyth for Smith), when one is common."""
    if name.given in VARIANTS:
        return Name(VARIANTS[name.given], name.family)
    if name.family in VARIANTS:
        return Name(name.given, VARIANTS[name.family])
    return None
