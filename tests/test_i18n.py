"""The site in English, Spanish and Haitian Creole: addresses, switcher, content fallback,
search in each language, the interface catalogs, and the admin's list of missing translations."""

import datetime
import re
from http import HTTPStatus
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.admin_forms import change_form_data
from tests.factories import (
    AudienceFactory,
    DataElementCategoryFactory,
    DataElementFactory,
    SecurityIncidentFactory,
    SharingRecordFactory,
    SubprocessorFactory,
    VendorFactory,
)
from vendors.models import (
    Audience,
    DistrictProfile,
    LegalBasis,
    PublicationStatus,
    SharingRecord,
    UsageStatement,
    Vendor,
)

pytestmark = pytest.mark.django_db

CATALOGS = sorted(Path(settings.BASE_DIR, "locale").glob("*/LC_MESSAGES/django.po"))


@pytest.fixture
def reading_app(district, parent_audience):
    vendor = VendorFactory(
        name="ReadWell",
        slug="readwell",
        description="Helps children practise reading at home.",
        description_es="Ayuda a los niños a practicar la lectura en casa.",
        description_ht="Ede timoun yo pratike lekti lakay yo.",
        privacy_policy_label_es="Política de privacidad",
        terms_label_es="Términos",
        website_label_es="Sitio web",
    )
    SharingRecordFactory(vendor=vendor, audience=parent_audience)
    return vendor


@pytest.fixture
def english_only_app(district, parent_audience):
    vendor = VendorFactory(
        name="MathLab", slug="mathlab", description="Math practice with instant feedback."
    )
    SharingRecordFactory(vendor=vendor, audience=parent_audience)
    return vendor


def html_lang(response):
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


# Routing


def test_english_addresses_stay_unprefixed_and_english(client, reading_app):
    response = client.get("/parent-data/", headers={"accept-language": "es"})
    assert response.status_code == HTTPStatus.OK
    assert html_lang(response) == "en"
    assert "Helps children practise reading" in response.content.decode()


@pytest.mark.parametrize("language", ["es", "ht"])
def test_a_language_prefix_opens_the_page_in_that_language(client, reading_app, language):
    response = client.get(f"/{language}/vendors/readwell/")
    assert response.status_code == HTTPStatus.OK
    assert html_lang(response) == language
    assert getattr(reading_app, f"description_{language}") in response.content.decode()


def test_spanish_links_on_a_spanish_page_stay_in_spanish(client, reading_app):
    content = client.get("/es/parent-data/").content.decode()
    assert 'href="/es/vendors/readwell/"' in content
    assert 'href="/es/data-elements/"' in content


def test_the_interface_is_translated_on_a_spanish_page(client, reading_app):
    content = client.get("/es/parent-data/").content.decode()
    assert "Saltar al contenido principal" in content
    assert "Skip to main content" not in content


def test_the_404_page_is_translated(client, district):
    response = client.get("/ht/no-such-page/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Nou pa jwenn paj la" in response.content.decode()


def test_an_unknown_language_prefix_is_not_found(client, district):
    assert client.get("/fr/vendors/").status_code == HTTPStatus.NOT_FOUND


def test_the_admin_is_not_language_prefixed(admin_client):
    assert admin_client.get("/admin/").status_code == HTTPStatus.OK
    assert admin_client.get("/es/admin/").status_code == HTTPStatus.NOT_FOUND


def test_reverse_gives_the_prefixed_address_in_spanish():
    with translation.override("es"):
        assert reverse("vendors:vendor_list") == "/es/vendors/"
    assert reverse("vendors:vendor_list") == "/vendors/"


# Switcher and alternates


def test_the_switcher_links_to_the_same_page_in_each_other_language(client, reading_app):
    content = client.get("/es/vendors/readwell/").content.decode()
    assert 'href="/vendors/readwell/" hreflang="en" lang="en">English<' in content
    assert 'href="/ht/vendors/readwell/" hreflang="ht" lang="ht">Kreyòl Ayisyen<' in content
    assert 'lang="es" aria-current="true">español<' in content


def test_the_switcher_keeps_the_query_string(client, reading_app):
    content = client.get("/parent-data/?q=read&element=x").content.decode()
    assert 'href="/es/parent-data/?q=read&amp;element=x" hreflang="es"' in content


def test_the_head_lists_every_language_version_and_a_default(client, reading_app):
    content = client.get("/ht/parent-data/").content.decode()
    for language, path in [
        ("en", "/parent-data/"),
        ("es", "/es/parent-data/"),
        ("ht", "/ht/parent-data/"),
        ("x-default", "/parent-data/"),
    ]:
        assert f'<link rel="alternate" hreflang="{language}" href="http://testserver{path}">' in (
            content
        )


# Content fallback


def test_a_translated_description_is_shown_without_the_note(client, reading_app):
    content = client.get("/es/vendors/readwell/").content.decode()
    assert "<p>Ayuda a los niños a practicar la lectura en casa.</p>" in content
    assert '<div class="english-stand-in" lang="en"><p>Helps children' not in content


NOTICE = '<p class="site-untranslated-notice">'


def notices(content):
    return content.count(NOTICE)


def test_an_untranslated_description_shows_the_english_marked_english(client, english_only_app):
    content = client.get("/es/vendors/mathlab/").content.decode()
    assert (
        '<div class="english-stand-in" lang="en"><p>Math practice with instant feedback.</p></div>'
        in content
    )


@pytest.mark.parametrize("language", ["es", "ht"])
def test_a_page_with_english_stand_ins_says_so_once_before_its_content(
    client, english_only_app, language
):
    content = client.get(f"/{language}/parent-data/").content.decode()
    assert notices(content) == 1
    main = content.index('<main id="main-content"')
    assert main < content.index(NOTICE) < content.index("<h1>")
    assert content.count('<span class="english-stand-in" lang="en">') > 1


@pytest.mark.parametrize("language", ["es", "ht"])
def test_english_stand_ins_carry_no_marker_of_their_own(client, english_only_app, language):
    content = client.get(f"/{language}/parent-data/").content.decode()
    assert "site-untranslated-mark" not in content
    assert "(en inglés)" not in content
    assert "(an angle)" not in content


def test_a_fully_translated_page_has_no_notice(client, reading_app):
    Audience.objects.filter(slug="parent-data").update(title_es="Datos de los padres")
    content = client.get("/es/search/?q=readwell").content.decode()
    assert notices(content) == 0


@pytest.mark.parametrize("language", ["es", "ht"])
def test_a_search_result_in_english_brings_the_notice_even_from_the_cache(
    client, english_only_app, language
):
    Audience.objects.update(title_es="Datos de los padres", title_ht="Done paran yo")
    # Two searches, two pages, one result: the second page reuses the first's rendered result.
    for query in ("mathlab", "math"):
        content = client.get(f"/{language}/search/?q={query}").content.decode()
        assert '<span class="english-stand-in" lang="en">Math practice' in content
        assert notices(content) == 1


def test_an_english_stand_in_in_the_header_alone_brings_the_notice(client, reading_app):
    DistrictProfile.objects.update(site_title_es=None)
    content = client.get("/es/incidents/").content.decode()
    assert '<span class="english-stand-in" lang="en">Instructional Technology' in content
    assert notices(content) == 1


def test_an_untranslated_short_text_is_marked_english(client, english_only_app):
    content = client.get("/es/parent-data/").content.decode()
    assert '<h1><span class="english-stand-in" lang="en">Parent Data</span></h1>' in content


def test_a_translated_short_text_carries_no_note(client, english_only_app):
    Audience.objects.filter(slug="parent-data").update(title_es="Datos de los padres")
    content = client.get("/es/vendors/mathlab/").content.decode()
    assert '<h2 id="audience-parent-data">Datos de los padres</h2>' in content


def test_an_untranslated_summary_is_marked_english_in_a_list(client, english_only_app):
    content = client.get("/es/parent-data/").content.decode()
    assert (
        '<p class="entry__summary"><span class="english-stand-in" lang="en">'
        "Math practice with instant feedback.</span></p>"
    ) in content


def test_proper_names_are_never_flagged_as_untranslated(client, english_only_app):
    english_only_app.company = "Numbers Inc."
    english_only_app.save()
    SubprocessorFactory(vendor=english_only_app, name="Cloud Host LLC", purpose_es="Aloja.")
    content = client.get("/es/vendors/mathlab/").content.decode()
    assert "<h1>MathLab</h1>" in content
    assert "Un producto de Numbers Inc.</p>" in content
    assert '<th scope="row" data-label="Compañía">Cloud Host LLC</th>' in content


def test_a_web_address_used_as_a_label_is_not_flagged(client, english_only_app):
    Vendor.objects.filter(pk=english_only_app.pk).update(
        website_label="www.mathlab.example", website_url="https://www.mathlab.example"
    )
    content = client.get("/es/vendors/mathlab/").content.decode()
    assert '<a href="https://www.mathlab.example">www.mathlab.example<span' in content


def test_a_translated_audience_title_is_shown(client, english_only_app):
    Audience.objects.filter(slug="parent-data").update(title_es="Datos de los padres")
    content = client.get("/es/parent-data/").content.decode()
    assert "<h1>Datos de los padres</h1>" in content


def test_an_untranslated_link_label_is_marked_english(client, english_only_app):
    content = client.get("/es/vendors/mathlab/").content.decode()
    assert '<span class="english-stand-in" lang="en">Privacy policy</span>' in content


@pytest.mark.parametrize("path", ["/vendors/mathlab/", "/parent-data/", "/incidents/"])
def test_english_pages_carry_no_untranslated_note(client, english_only_app, path):
    SecurityIncidentFactory(vendor=english_only_app)
    SubprocessorFactory(vendor=english_only_app)
    content = client.get(path).content.decode()
    assert notices(content) == 0
    assert 'lang="en">' not in content.replace('<html lang="en">', "")


# Incidents, subprocessors and the legal basis in the visitor's language


def test_an_incident_summary_is_shown_in_spanish(client, english_only_app):
    SecurityIncidentFactory(
        vendor=english_only_app, summary_es="Alguien usó una contraseña robada."
    )
    content = client.get("/es/incidents/").content.decode()
    assert '<div class="incident__summary"><p>Alguien usó una contraseña robada.</p></div>' in (
        content
    )


def test_an_untranslated_incident_summary_shows_the_english_marked_english(
    client, english_only_app
):
    SecurityIncidentFactory(vendor=english_only_app, summary="Passwords were stolen.")
    content = client.get("/es/vendors/mathlab/").content.decode()
    assert '<div class="english-stand-in" lang="en"><p>Passwords were stolen.</p></div>' in content


def test_a_subprocessor_is_described_in_haitian_creole_or_marked_english(client, english_only_app):
    SubprocessorFactory(
        vendor=english_only_app,
        purpose="Stores the data.",
        purpose_ht="Li sere done yo.",
        location="United States",
    )
    content = client.get("/ht/vendors/mathlab/").content.decode()
    assert ">Li sere done yo.</td>" in content
    assert '<span class="english-stand-in" lang="en">United States</span>' in content


def test_a_legal_basis_in_staff_words_is_shown_in_spanish(client, english_only_app):
    SharingRecord.objects.filter(vendor=english_only_app).update(
        legal_basis=LegalBasis.OTHER,
        legal_basis_other="A state law allows it.",
        legal_basis_other_es="Una ley estatal lo permite.",
    )
    content = client.get("/es/vendors/mathlab/").content.decode()
    assert '<p class="legal-basis">Una ley estatal lo permite.</p>' in content


# Search


@pytest.mark.parametrize(
    ("language", "query"),
    [("es", "lectura"), ("ht", "lekti"), ("es", "reading"), ("ht", "reading"), ("", "reading")],
)
def test_search_finds_a_title_by_its_words_in_the_visitors_language_or_english(
    client, reading_app, language, query
):
    prefix = f"/{language}" if language else ""
    response = client.get(f"{prefix}/search/", {"q": query})
    assert response.context["page"].paginator.count == 1


def test_search_finds_a_data_element_by_its_spanish_name(client, district):
    DataElementFactory(
        name="Parent Email",
        name_es="Correo electrónico de los padres",
        category=DataElementCategoryFactory(name="Contact"),
    )
    response = client.get("/es/search/", {"q": "correo electronico"})
    assert [element.name_en for element in response.context["matching_elements"]] == [
        "Parent Email"
    ]


def test_saving_a_translation_makes_it_searchable(client, english_only_app):
    english_only_app.description_es = "Práctica de matemáticas con respuesta inmediata."
    english_only_app.save()
    response = client.get("/es/search/", {"q": "matematicas"})
    assert response.context["page"].paginator.count == 1


# Interface catalogs


@pytest.mark.parametrize("catalog_path", CATALOGS, ids=lambda path: path.parts[-3])
def test_every_interface_string_is_translated_and_none_is_fuzzy(catalog_path):
    with catalog_path.open("rb") as po:
        catalog = read_po(po)
    problems = [
        message.id
        for message in catalog
        if message.id
        and (
            message.fuzzy
            or not message.string
            or (isinstance(message.string, tuple) and not all(message.string))
        )
    ]
    assert problems == []


@pytest.mark.parametrize("catalog_path", CATALOGS, ids=lambda path: path.parts[-3])
def test_every_catalog_compiles_with_matching_placeholders(catalog_path, tmp_path):
    with catalog_path.open("rb") as po:
        catalog = read_po(po)
    errors = [(message.id, [str(error) for error in found]) for message, found in catalog.check()]
    assert errors == []
    with (tmp_path / "django.mo").open("wb") as mo:
        write_mo(mo, catalog)
    assert (tmp_path / "django.mo").stat().st_size > 0


def test_there_is_a_catalog_for_every_language_but_english():
    assert [path.parts[-3] for path in CATALOGS] == ["es", "ht"]


# Admin


def test_admin_lists_published_titles_missing_a_spanish_translation(
    admin_client, reading_app, english_only_app
):
    response = admin_client.get(
        reverse("admin:vendors_vendor_changelist"),
        {"missing_translation": "es", "status__exact": PublicationStatus.PUBLISHED},
    )
    assert [vendor.slug for vendor in response.context["cl"].result_list] == ["mathlab"]


def test_a_missing_label_translation_counts_as_missing(admin_client, reading_app):
    Vendor.objects.filter(pk=reading_app.pk).update(terms_label_es="")
    response = admin_client.get(
        reverse("admin:vendors_vendor_changelist"), {"missing_translation": "es"}
    )
    assert [vendor.slug for vendor in response.context["cl"].result_list] == ["readwell"]


def test_admin_lists_statements_missing_a_haitian_creole_translation(admin_client, reading_app):
    statement = reading_app.sharing_records.get().usage_statement
    response = admin_client.get(
        reverse("admin:vendors_usagestatement_changelist"), {"missing_translation": "ht"}
    )
    assert list(response.context["cl"].result_list) == [statement]
    UsageStatement.objects.filter(pk=statement.pk).update(text_ht="Pou lekòl la sèlman.")
    response = admin_client.get(
        reverse("admin:vendors_usagestatement_changelist"), {"missing_translation": "ht"}
    )
    assert list(response.context["cl"].result_list) == []


def test_staff_enter_a_translation_in_the_normal_change_form(admin_client, reading_app):
    response = admin_client.get(reverse("admin:vendors_vendor_change", args=[reading_app.pk]))
    fields = response.context["adminform"].form.fields
    assert {"description_en", "description_es", "description_ht"} <= set(fields)


def test_staff_translate_incidents_and_subprocessors_in_their_forms(admin_client, reading_app):
    incident = SecurityIncidentFactory(vendor=reading_app)
    response = admin_client.get(
        reverse("admin:vendors_securityincident_change", args=[incident.pk])
    )
    assert {"summary_en", "summary_es", "summary_ht"} <= set(
        response.context["adminform"].form.fields
    )
    response = admin_client.get(reverse("admin:vendors_vendor_change", args=[reading_app.pk]))
    (subprocessors,) = [
        inline
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "subprocessors"
    ]
    assert {"purpose_en", "purpose_es", "location_ht"} <= set(
        subprocessors.formset.form.base_fields
    )


def test_admin_lists_incidents_missing_a_spanish_translation(admin_client, reading_app):
    translated = SecurityIncidentFactory(vendor=reading_app, summary_es="Se robaron datos.")
    untranslated = SecurityIncidentFactory(vendor=reading_app)
    response = admin_client.get(
        reverse("admin:vendors_securityincident_changelist"), {"missing_translation": "es"}
    )
    assert list(response.context["cl"].result_list) == [untranslated]
    assert translated not in response.context["cl"].result_list


def test_a_spanish_only_legal_basis_needs_the_english_one(admin_client, reading_app):
    record = reading_app.sharing_records.get()
    url = reverse("admin:vendors_sharingrecord_change", args=[record.pk])
    data = change_form_data(admin_client.get(url))
    data.update(legal_basis=LegalBasis.OTHER, legal_basis_other_es="Una ley estatal.")
    response = admin_client.post(url, data)
    assert response.status_code == HTTPStatus.OK
    assert "With “Other”, say in plain language what the basis is." in (response.content.decode())
    data["legal_basis_other_en"] = "A state law."
    assert admin_client.post(url, data).status_code == HTTPStatus.FOUND
    record.refresh_from_db()
    assert (record.legal_basis_other_en, record.legal_basis_other_es) == (
        "A state law.",
        "Una ley estatal.",
    )


# Demo content


@pytest.mark.parametrize("language", ["es", "ht"])
def test_the_demo_fixed_texts_are_translated(demo_content, language):
    district = DistrictProfile.load()
    assert getattr(district, f"intro_{language}")
    assert all(getattr(audience, f"title_{language}") for audience in Audience.objects.all())
    for statement in UsageStatement.objects.all():
        assert getattr(statement, f"text_{language}")


def test_an_audience_without_any_translation_is_never_blank(client, district):
    AudienceFactory(slug="staff-data", title="Staff Data", name="Staff")
    content = client.get("/ht/staff-data/").content.decode()
    assert '<span class="english-stand-in" lang="en">Staff Data</span>' in content


def test_a_haitian_creole_page_writes_dates_without_english_month_names(client, reading_app):
    Vendor.objects.filter(pk=reading_app.pk).update(
        updated_at=datetime.datetime(2026, 3, 9, 12, tzinfo=datetime.UTC)
    )
    content = client.get("/ht/vendors/readwell/").content.decode()
    assert "Dènye mizajou: 09/03/2026" in content
