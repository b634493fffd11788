"""Public pages, one module per kind: pages.py (the site's own pages), search.py, changes.py
and open_data.py. Each view's get_queryset owns its joins and prefetches, so the number of
queries a page needs does not grow with the number of titles; the logic behind search, the
change log and the exports lives beside them in vendors/, testable without a request."""
