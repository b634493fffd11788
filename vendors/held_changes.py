"""An editor's change to a public sharing record or security incident, held for a
publisher's review while HOLD_EDITOR_CHANGES is on: what a form changed, as proposal keys
(`part.<model>.<pk>.<field>`) and values, and how the review shows them."""

import datetime

from .models import PublicationStatus, SecurityIncident, SharingRecord
from .models.publication import is_public

# The parts of a title an editor's held change may carry, by model name.
HELD_PARTS = {"sharingrecord": SharingRecord, "securityincident": SecurityIncident}


def part_key(obj, name):
    return f"part.{obj._meta.model_name}.{obj.pk}.{name}"


def split_part_key(key):
    _part, model_name, pk, name = key.split(".", 3)
    return HELD_PARTS[model_name], int(pk), name


def is_public_part(obj):
    """A stored record or incident that visitors read: published, of a public title."""
    stored = (
        type(obj)._base_manager.filter(pk=obj.pk).values_list("status", "vendor__status").first()
    )
    return stored is not None and stored[0] == PublicationStatus.PUBLISHED and is_public(stored[1])


def part_changes(form):
    """What an admin form of a record or incident changed, as proposal keys and values."""
    obj = form.instance
    changes = {}
    names = {f.name for f in obj._meta.get_fields() if getattr(f, "editable", False)}
    for name in form.changed_data:
        if name not in names:  # a form-only field: nothing to hold
            continue
        model_field = obj._meta.get_field(name)
        value = form.cleaned_data.get(name)
        if model_field.many_to_many:
            value = sorted(item.pk for item in value or [])
        elif model_field.is_relation:
            value = value.pk if value else None
        else:
            value = json_value(value)
        changes[part_key(obj, name)] = value
    return changes


def part_value(model_field, value):
    """A part's field value as the review shows it."""
    if model_field.many_to_many:
        return [str(item) for item in model_field.related_model.objects.filter(pk__in=value)]
    if model_field.is_relation:
        related = model_field.related_model.objects.filter(pk=value).first()
        return str(related) if related else ""
    value = model_field.to_python(value)
    if model_field.choices:
        return dict(model_field.flatchoices).get(value, value)
    return value


def stored_part_value(obj, model_field):
    if model_field.many_to_many:
        return [str(item) for item in getattr(obj, model_field.name).all()]
    return part_value(model_field, model_field.value_from_object(obj))


def json_value(value):
    """A form's cleaned value as the proposal stores it."""
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return value
