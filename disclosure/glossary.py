"""名词解释: the terms a reader of the 公开 tables meets, next to the numbers.

A disclosure's own glossary (an explanation section headed 名词解释) is printed as the
department wrote it. Without one, the portal's general glossary is printed instead, marked
as the portal's: the common definitions of the final-accounts templates, kept as data in
`disclosure/data/glossary.toml`. Table headers that name a term link to its entry.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from disclosure.layouts import is_english

GLOSSARY_FILE = Path(__file__).resolve().parent / "data" / "glossary.toml"
HEADING_MARK = "名词解释"


@dataclass(frozen=True)
class Term:
    term: str
    definition: str
    key: str = ""
    aliases: tuple[str, ...] = ()
    en_term: str = ""
    en_definition: str = ""

    @property
    def anchor(self) -> str:
        return f"term-{self.key}"

    def display_term(self) -> str:
        return self.en_term if is_english() and self.en_term else self.term

    def display_definition(self) -> str:
        return self.en_definition if is_english() and self.en_definition else self.definition


@dataclass(frozen=True)
class Glossary:
    terms: tuple[Term, ...] = ()
    sections: tuple = ()  # the department's own 名词解释 sections, as written
    source_note: str = ""  # set when the terms are the portal's, not the department's


@cache
def portal_glossary() -> tuple[str, tuple[Term, ...]]:
    with GLOSSARY_FILE.open("rb") as fh:
        data = tomllib.load(fh)
    terms = tuple(
        Term(
            term=t["term"],
            definition=t["definition"],
            key=t["key"],
            aliases=tuple(t.get("aliases", ())),
            en_term=t.get("en_term", ""),
            en_definition=t.get("en_definition", ""),
        )
        for t in data["terms"]
    )
    return data["note"], terms


def terms() -> tuple[Term, ...]:
    return portal_glossary()[1]


@cache
def _index() -> dict[str, Term]:
    index = {}
    for term in terms():
        for name in (term.term, *term.aliases, term.en_term):
            if name:
                index[name] = term
    return index


def term_for(text: str) -> Term | None:
    """The glossary entry a header text names exactly (as printed)."""
    return _index().get(text.strip())


def is_glossary_section(section) -> bool:
    return HEADING_MARK in (section.heading or "")


def glossary_for(explanations: list) -> Glossary:
    """The glossary printed with a disclosure. `explanations` are its narrative sections
    that belong to no table (说明); those headed 名词解释 are the department's glossary."""
    own = tuple(n for n in explanations if is_glossary_section(n))
    if own:
        return Glossary(sections=own)
    note, portal_terms = portal_glossary()
    return Glossary(terms=portal_terms, source_note=note)
