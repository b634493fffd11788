"""Which public texts staff may enter in each language (django-modeltranslation).

Each field gets one column per language (`description_en`, `description_es`,
`description_ht`); reading `description` gives the visitor's language, or English
where that column is empty. The English column is the one queries, exports and
imports already use, so they keep working unchanged.

The history of a translated model is registered here, with `simple_history.register()`
after the model's translation options, as django-simple-history documents for
django-modeltranslation: its historical model is built once the language columns exist,
so it records them like any other column, and a revert or restore brings them back.
(modeltranslation reads this module from its `ready()`, which runs before `vendors`'
because it comes first in INSTALLED_APPS.)

Two rules are ours. A translation nobody entered is NULL or "" depending on how the row
was saved; history records both as "", so that a diff shows no change where none was
made, and NULL keeps meaning "recorded before history kept translations". Such a version
says nothing about them, so a revert or restore leaves today's alone. simple-history has
no option for that: the `instance` a revert or restore saves is built from the version's
columns alone. `TranslatedHistoricalRecords` wraps that property in `get_extra_fields()`,
the public method that defines it when the historical model is built.
"""

import simple_history
from django.conf import settings
from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import TranslationOptions, register, translator
from modeltranslation.utils import build_localized_fieldname
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from .models import (
    Audience,
    DataElement,
    DataElementCategory,
    DestructionTerm,
    DistrictProfile,
    SecurityIncident,
    SharingRecord,
    Subprocessor,
    UsageStatement,
    Vendor,
)


@register(DistrictProfile)
class DistrictProfileTranslation(TranslationOptions):
    fields = ("site_title", "intro", "parent_rights", "complaint_process")
    required_languages = ("en",)


@register(Audience)
class AudienceTranslation(TranslationOptions):
    fields = ("title", "intro")
    required_languages = ("en",)


@register(DataElementCategory)
class DataElementCategoryTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("en",)


@register(DataElement)
class DataElementTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = ("en",)


@register(UsageStatement)
class UsageStatementTranslation(TranslationOptions):
    fields = ("text",)
    required_languages = ("en",)


@register(DestructionTerm)
class DestructionTermTranslation(TranslationOptions):
    fields = ("text",)
    required_languages = ("en",)


@register(Vendor)
class VendorTranslation(TranslationOptions):
    fields = (
        "description",
        "privacy_policy_label",
        "terms_label",
        "website_label",
        "decision_conditions",
        "decision_reason",
        # A consent form per language: parents sign the one they can read.
        "consent_form",
    )
    required_languages = ("en",)


@register(SharingRecord)
class SharingRecordTranslation(TranslationOptions):
    fields = ("elements_intro", "legal_basis_other")


@register(Subprocessor)
class SubprocessorTranslation(TranslationOptions):
    # The company's name is a proper name, the same in every language: not translated.
    fields = ("purpose", "location")
    required_languages = {"en": ("purpose",)}


@register(SecurityIncident)
class SecurityIncidentTranslation(TranslationOptions):
    fields = ("summary",)
    required_languages = ("en",)


def translation_field_names(model):
    """The per-language columns of a registered model, e.g. description_en, description_es."""
    options = translator.get_options_for_model(model)
    return sorted(field.name for fields in options.all_fields.values() for field in fields)


class TranslatedHistoricalRecords(HistoricalRecords):
    def get_extra_fields(self, model, fields):
        extra = super().get_extra_fields(model, fields)
        plain_instance = extra["instance"].fget
        names = translation_field_names(model)

        def instance(historical):
            obj = plain_instance(historical)
            # NULL: recorded before history kept translations; today's stay as they are.
            unrecorded = [name for name in names if getattr(historical, name) is None]
            if unrecorded:
                live = type(obj)._base_manager.filter(pk=obj.pk).values(*unrecorded).first()
                for name, value in (live or {}).items():
                    setattr(obj, name, value)
            return obj

        extra["instance"] = property(instance)
        return extra


def record_history(model, **options):
    simple_history.register(model, records_class=TranslatedHistoricalRecords, **options)
    pre_create_historical_record.connect(
        _record_missing_translations_as_empty, sender=model.history.model
    )


def _record_missing_translations_as_empty(sender, history_instance, **kwargs):
    for name in translation_field_names(sender.instance_type):
        if getattr(history_instance, name) is None:
            setattr(history_instance, name, "")


record_history(DataElement)
record_history(UsageStatement)
record_history(DestructionTerm)
# search_text is derived from the other fields: recording it would double every entry.
record_history(Vendor, excluded_fields=["search_text"], m2m_fields=["schools", "alternatives"])
record_history(SharingRecord, m2m_fields=["elements"])
record_history(Subprocessor)
record_history(SecurityIncident, m2m_fields=["elements"])


def translated_languages():
    """(code, name) of every language staff translate into, English excepted."""
    return [
        (code, name)
        for code, name in settings.LANGUAGES
        if code != settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    ]


def missing_translation(model, language):
    """Rows with an English text in some field whose translation into `language` is empty:
    the passages a visitor in that language sees in English."""
    condition = Q()
    for field in translator.get_options_for_model(model).fields:
        english = build_localized_fieldname(field, settings.MODELTRANSLATION_DEFAULT_LANGUAGE)
        translated = build_localized_fieldname(field, language)
        has_english = Q(**{f"{english}__isnull": False}) & ~Q(**{english: ""})
        lacks_translation = Q(**{f"{translated}__isnull": True}) | Q(**{translated: ""})
        condition |= has_english & lacks_translation
    return condition


class MissingTranslationFilter(admin.SimpleListFilter):
    """ "Missing a translation into: Español": the entries whose visitors in that language
    still read some English, so staff can close the gap. With the status filter set to
    Published, it lists exactly the public pages concerned."""

    title = _("missing a translation into")
    parameter_name = "missing_translation"

    def lookups(self, request, model_admin):
        return translated_languages()

    def queryset(self, request, queryset):
        if self.value() in dict(translated_languages()):
            return queryset.filter(missing_translation(queryset.model, self.value()))
        return queryset
