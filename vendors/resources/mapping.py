"""A district's own column headers, renamed to ours before anything reads a row.

A mapping is {their header: our column}, an empty column meaning "ignore it". It is applied
to the file's header row, in the resource's before_import, so that the admin's preview, its
confirm and `manage.py import_titles` read the renamed file by the same code path."""

from django.utils.translation import gettext_lazy as _

from .base import FileRefused


def mapping_errors(mapping, columns):
    """What is wrong with a mapping's targets: not one of `columns`, or taken twice."""
    errors = []
    taken = {}
    for header, column in mapping.items():
        if not column:
            continue
        if column not in columns:
            errors.append(
                _("“%(header)s” is mapped to “%(column)s”, which is not one of our columns.")
                % {"header": header, "column": column}
            )
        elif column in taken:
            errors.append(
                _("“%(first)s” and “%(second)s” are both mapped to “%(column)s”: map one only.")
                % {"first": taken[column], "second": header, "column": column}
            )
        else:
            taken[column] = header
    return errors


def rename_columns(dataset, mapping, columns):
    """Rename the dataset's headers to ours and drop the ignored columns, or FileRefused.

    Headers the mapping does not name stay as they are: ours pass, others are refused later
    as unknown columns. A header the mapping names but the file lacks is no error: one saved
    mapping serves a district's files with and without an optional column."""
    in_file = {str(header or "").strip(): header for header in dataset.headers or []}
    used = {header: column for header, column in mapping.items() if header in in_file}
    errors = mapping_errors(used, columns)
    # A column of ours kept under its own name, and another header mapped onto it.
    for header, column in used.items():
        if column and column in in_file and column not in used and header != column:
            errors.append(
                _(
                    "“%(header)s” is mapped to “%(column)s”, and the file has a "
                    "“%(column)s” column too."
                )
                % {"header": header, "column": column}
            )
    if errors:
        raise FileRefused(" ".join(str(error) for error in errors))
    for stripped, header in in_file.items():
        if used.get(stripped) == "":
            del dataset[header]
    dataset.headers = [
        used.get(str(h or "").strip(), str(h or "").strip()) for h in dataset.headers
    ]
    return dataset
