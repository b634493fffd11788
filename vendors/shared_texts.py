"""Shared texts (usage statements, destruction terms) printed once per page.

Most records point at the same few texts, so a page that printed each record's texts in
full said the same paragraphs over and over. A text that several records on the page use is
printed once, at the foot of their list; each record names it and links there. A text only
one record on the page uses is that record's own, and stays in full beside it.
"""

from collections import Counter
from dataclasses import dataclass

# (kind, the record's field). The kind names the anchor and picks the wording.
KINDS = (("usage", "usage_statement"), ("destruction", "destruction_term"))


@dataclass
class TextOnPage:
    """One shared text as this page shows it: numbered in the order the page first uses it.

    Its anchor (#usage-statement-1) is a place on this page, not an address to keep: the
    number follows what the page lists, so the page never offers it as a link to share."""

    kind: str
    text: object
    number: int
    numbered: bool = False

    @property
    def anchor(self):
        return f"{self.kind}-statement-{self.number}"


def share_texts(records):
    """Marks each record's texts: `record.shared_usage_statement` (and
    `shared_destruction_term`) is the TextOnPage to link to, or None when the record shows
    the text in full. Returns the TextOnPage list to print once, usage statements first."""
    records = list(records)
    once = []
    for kind, attribute in KINDS:
        uses = Counter(getattr(record, f"{attribute}_id") for record in records)
        on_page = {}
        for record in records:
            key = getattr(record, f"{attribute}_id")
            shared = None
            if uses[key] > 1:
                shared = on_page.get(key)
                if shared is None:
                    shared = on_page[key] = TextOnPage(
                        kind, getattr(record, attribute), len(on_page) + 1
                    )
            setattr(record, f"shared_{attribute}", shared)
        for shared in on_page.values():
            shared.numbered = len(on_page) > 1
        once.extend(on_page.values())
    return once
