"""Languages Sauda speaks to shoppers in."""

from enum import StrEnum


class Language(StrEnum):
    """Languages Sauda's templates ship in (BCP 47). Roman Urdu is Urdu written in Latin script."""

    EN = "en"
    UR = "ur"  # Urdu in Nastaliq (Arabic script)
    UR_LATN = "ur-Latn"  # Roman Urdu
