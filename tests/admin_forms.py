"""Build the POST data an admin change form or action would send, as a browser sends it."""

from django.db.models.fields.files import FieldFile
from django.urls import reverse

# The title form's inline formsets, each posted empty: add this to a hand-written title form.
NO_VENDOR_INLINES = {
    f"{prefix}-{count}_FORMS": "0"
    for prefix in ("sharing_records", "slug_redirects", "agreements", "subprocessors")
    for count in ("TOTAL", "INITIAL")
}


def change_form_data(response):
    """Every field of the form and its inline formsets, with the values the page shows."""
    data = {}
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        data[name] = prepare(value)
    inlines = response.context.get("inline_admin_formsets") or []
    for inline in inlines:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for subform in formset.forms:
            for name, field in subform.fields.items():
                value = subform.initial.get(name, field.initial)
                data[subform.add_prefix(name)] = prepare(value)
    return {key: value for key, value in data.items() if value is not None}


def prepare(value):
    if isinstance(value, FieldFile):
        # A browser never sends a stored file back: the field is left empty, which keeps it.
        return None
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, list | tuple):
        return [item.pk if hasattr(item, "pk") else item for item in value]
    return value


def post_action(client, action, objects, **kwargs):
    """Run an action of the admin's list of these objects' model on them."""
    model = type(objects[0])._meta
    return client.post(
        reverse(f"admin:{model.app_label}_{model.model_name}_changelist"),
        {"action": action, "_selected_action": [obj.pk for obj in objects]},
        **kwargs,
    )
