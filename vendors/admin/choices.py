"""Choice lists that a page with many inline forms reads from the database once.

Django's ModelChoiceIterator runs its query again for every form that renders the field, so
a title with six sharing records would list the audiences and the data-element catalog six
times, and ask for each chosen shared text once per record. The admins here build their
form classes once per request; the lists are evaluated then and shared by every form.
"""

from django import forms
from django.contrib.admin.widgets import (
    AutocompleteMixin,
    AutocompleteSelect,
    ForeignKeyRawIdWidget,
)

from ..models import DataElement


class OncePerRequestAutocompleteSelect(AutocompleteSelect):
    """An autocomplete that names the chosen option of every form from one query.

    Only for short tables such as the shared texts: the first form that renders loads the
    labels of the whole table, and the copies the other forms make share them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Select.__deepcopy__ copies the widget shallowly, so every form's copy sees this.
        self.shared = {}

    def optgroups(self, name, value, attr=None):
        if "labels" not in self.shared:
            field = self.choices.field
            self.shared["labels"] = {
                str(obj.pk): field.label_from_instance(obj) for obj in field.queryset.using(self.db)
            }
        labels = self.shared["labels"]
        groups = [(None, [], 0)]
        options = groups[0][1]
        if not self.is_required:
            options.append(self.create_option(name, "", "", False, 0))
        for chosen in value:
            if str(chosen) in labels:
                options.append(
                    self.create_option(name, chosen, labels[str(chosen)], True, len(options))
                )
        return groups


class OncePerRequestChoicesMixin:
    """For an admin or inline: its select lists are read once per request, not once per form.

    `once_per_request_autocomplete` names the autocomplete fields whose tables are short
    enough to name from one query (see OncePerRequestAutocompleteSelect)."""

    once_per_request_autocomplete = ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.once_per_request_autocomplete:
            kwargs["widget"] = OncePerRequestAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if not isinstance(field, forms.ModelChoiceField):
            return field
        widget = getattr(field.widget, "widget", field.widget)
        if isinstance(widget, AutocompleteMixin | ForeignKeyRawIdWidget):
            # An autocomplete lists nothing but what is chosen; a raw id lists nothing.
            return field
        if db_field.remote_field.limit_choices_to:
            # The form narrows such a list per form, which a fixed list would undo.
            return field
        if field.queryset.model is DataElement:
            # Each element is labelled with its category's name.
            field.queryset = field.queryset.with_category()
        # A form class may be built more than once per request, and two inlines may list the
        # same table: one list per query and request, less the empty choice each field has
        # or not.
        lists = request.__dict__.setdefault("once_per_request_choices", {})
        key = (field.queryset.model, str(field.queryset.query))
        if key not in lists:
            # Plain values, not ModelChoiceIteratorValue: each form deep-copies the list.
            lists[key] = [(value.value, label) for value, label in field.choices if value != ""]
        empty = [] if field.empty_label is None else [("", field.empty_label)]
        field.choices = empty + lists[key]
        return field
