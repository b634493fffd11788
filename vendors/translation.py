"""Which public texts staff may enter in each language (django-modeltranslation).

Each field gets one column per language (`description_en`, `description_es`,
`description_ht`); reading `description` gives the visitor's language, or English
where that column is empty. The English column is the one queries, exports and
imports already use, so they keep working unchanged.
"""

from django.conf import settings
from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import TranslationOptions, register, translator
from modeltranslation.utils import build_localized_fieldname
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
    fields = ("description", "privacy_policy_label", "terms_label", "website_label")
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


def record_translations_in_history():
    """Give each historical model the per-language columns, so that an edit to a Spanish or
    Haitian Creole text is recorded and a revert or restore brings it back.

    django-simple-history builds each historical model when its model is defined, before
    django-modeltranslation adds the language columns, so they are added here as plain
    columns (registering the historical model with modeltranslation would give it
    language-dependent descriptors and manager, which is not what a record of the past
    wants). simple-history copies every field of the live model that it does not exclude,
    diffs `tracked_fields`, and builds `instance` from the fields it knew at class creation;
    that last one is extended below."""
    for model in translator.get_registered_models(abstract=False):
        history = getattr(model, "history", None)
        if history is None:
            continue
        historical = history.model
        names = translation_field_names(model)
        for name in names:
            if name in {field.name for field in historical._meta.local_fields}:
                continue
            field = model._meta.get_field(name)
            column = field.clone()
            # A past version may repeat a value another row holds today.
            column._unique = False
            historical.add_to_class(name, column)
            historical.tracked_fields.append(field)
        historical._meta._expire_cache()
        historical.instance = property(_instance_with_translations(historical.instance, names))
        pre_create_historical_record.connect(
            _record_missing_translations_as_empty,
            sender=historical,
            dispatch_uid=f"record_translations_{historical._meta.label}",
        )


def _record_missing_translations_as_empty(sender, history_instance, **kwargs):
    # A translation nobody entered is NULL or "" depending on how the row was saved; history
    # records both as "", so that NULL keeps meaning "recorded before translations were" and
    # a diff shows no change where none was made.
    for name in translation_field_names(sender.instance_type):
        if getattr(history_instance, name) is None:
            setattr(history_instance, name, "")


def _instance_with_translations(plain_instance, names):
    def instance(historical):
        obj = plain_instance.fget(historical)
        # NULL: recorded before history kept translations (an empty translation is "").
        # Such a version says nothing about them, so the live row's stay as they are.
        unrecorded = [name for name in names if getattr(historical, name) is None]
        for name in names:
            if name not in unrecorded:
                setattr(obj, name, getattr(historical, name))
        if unrecorded:
            live = type(obj)._base_manager.filter(pk=obj.pk).values(*unrecorded).first()
            for name, value in (live or {}).items():
                setattr(obj, name, value)
        return obj

    return instance


record_translations_in_history()


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
