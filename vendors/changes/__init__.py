"""What changed: the public change log, read from django-simple-history's records.

history.py loads the rows and asks the visibility rules of past versions; sources.py holds
one small function per kind of history, each yielding `ChangeEntry` objects, which
`all_changes()` merges newest first. Another kind of event is one more function in
`SOURCES`, as security incidents are.

Drafts never leak: a title counts while it is public (published or retired), a sharing
record while it is listed (both it and its title published). Only changes between two such
states, or into or out of one, become entries, and an entry about a title that is no
longer public names it as it was when it was last public.
"""

from .sources import SOURCES, ChangeEntry, ChangeKind, all_changes
