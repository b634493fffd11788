"""The import preview's diff of a row, field by field, and only the fields that change: a
title has some thirty columns, and staff need to see the one that moves."""

from diff_match_patch import diff_match_patch
from django.utils.encoding import force_str
from django.utils.safestring import mark_safe
from import_export.resources import Diff


class ChangedFieldsDiff(Diff):
    def __init__(self, resource, instance, new):
        super().__init__(resource, instance, new)
        self.headers = resource.get_diff_headers()

    def as_html(self):
        """[(column, the library's inline diff as HTML)] of the columns that change; for a
        new title, of the columns it fills."""
        changed = []
        matcher = diff_match_patch()
        for header, before, after in zip(self.headers, self.left, self.right, strict=False):
            before, after = force_str(before), force_str(after)
            if before == after:
                continue
            diff = matcher.diff_main("" if self.new else before, after)
            matcher.diff_cleanupSemantic(diff)
            # diff_prettyHtml escapes the texts it wraps in <ins> and <del>.
            changed.append((header, mark_safe(matcher.diff_prettyHtml(diff))))  # noqa: S308
        return changed
