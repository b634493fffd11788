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

from .models import (
    Audience,
    DataElement,
    DataElementCategory,
    DestructionTerm,
    DistrictProfile,
    SharingRecord,
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
    fields = ("elements_intro",)


def leave_translations_out_of_history():
    """django-simple-history built each historical table when its model was defined, before
    the per-language columns above existed; it would fail writing them. Its excluded-fields
    list is shared with the historical model, so extending it keeps saves working. History
    keeps recording the original (English) columns."""
    for model in translator.get_registered_models():
        history = getattr(model, "history", None)
        if history is None:
            continue
        excluded = history.model._history_excluded_fields
        for translation_fields in translator.get_options_for_model(model).all_fields.values():
            for translation_field in translation_fields:
                if translation_field.name not in excluded:
                    excluded.append(translation_field.name)


leave_translations_out_of_history()


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
