"""Reads the district's source page (../shared/seed/) into entries the tests compare against."""

import os
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

# The district's page lives beside the checkout (../shared/seed/), not in it.
SEED_DIR = Path(
    os.environ.get(
        "CLEARINGHOUSE_SEED_DIR", Path(__file__).resolve().parent.parent.parent / "shared" / "seed"
    )
)
LINK_HEADINGS = ("Privacy Policy", "Terms of Service", "Website")


def normalize(text):
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


@dataclass
class SeedEntry:
    description: list[str] = field(default_factory=list)
    elements_intro: str = ""
    elements: list[str] = field(default_factory=list)
    usage: str = ""
    destruction: str = ""
    links: dict[str, str] = field(default_factory=dict)

    @property
    def name(self):
        return self.description[0].split(" ")[0]


def _bullet(line):
    return normalize(line.strip().removeprefix("•"))


def parse_section(lines):
    entries, entry, heading = [], None, None
    for raw in lines:
        line = normalize(raw)
        if not line:
            continue
        if line in ("Description", "Data Being Shared", "How the Data is Being Used") or line in (
            "When & How the Data will be Destroyed",
            *LINK_HEADINGS,
        ):
            heading = line
            if line == "Description":
                entry = SeedEntry()
                entries.append(entry)
            continue
        if heading == "Description":
            entry.description.append(_bullet(raw) if raw.strip().startswith("•") else line)
        elif heading == "Data Being Shared":
            if raw.strip().startswith("•"):
                entry.elements.append(_bullet(raw))
            else:
                entry.elements_intro = line
        elif heading == "How the Data is Being Used":
            entry.usage = _bullet(raw)
        elif heading == "When & How the Data will be Destroyed":
            entry.destruction = _bullet(raw)
        elif heading in LINK_HEADINGS:
            entry.links[heading] = line
            heading = None
    return entries


def seed_available():
    return any(SEED_DIR.glob("*.txt"))


def load_seed():
    """{"Parent Data": [SeedEntry, ...], "Student Data": [...]} plus the intro statement."""
    (path,) = sorted(SEED_DIR.glob("*.txt"))
    lines = path.read_text(encoding="utf-8").splitlines()
    parent_start = lines.index("Parent Data | Software Title")
    student_start = lines.index("Student Data | Software Title")
    intro = normalize(lines[parent_start - 2])
    return intro, {
        "Parent Data": parse_section(lines[parent_start + 1 : student_start]),
        "Student Data": parse_section(lines[student_start + 1 :]),
    }


# Elements inside a line of text: a link in a sentence reads as part of it ("contact us at
# innovation@dadeschools.net."), where a paragraph or a heading starts a new line.
INLINE_ELEMENTS = {"a", "abbr", "b", "code", "em", "i", "small", "span", "strong", "sub", "sup"}


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag not in INLINE_ELEMENTS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        self.handle_starttag(tag, [])

    def handle_data(self, data):
        self.parts.append(data)


def visible_text(html):
    """The page's text as a reader gets it, whitespace folded, markup gone."""
    parser = _TextExtractor()
    parser.feed(html)
    return normalize("".join(parser.parts))
