"""What can be shared and about whom: audiences, the data-element catalog (NDPA Exhibit B),
and the texts written once and attached to many sharing records."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Audience(models.Model):
    """Whose data is shared: parents or students. Each has its own public page."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(
        _("slug"),
        unique=True,
        help_text=_("The page's address, e.g. parent-data for /parent-data/. Never change it."),
    )
    title = models.CharField(_("page title"), max_length=100)
    intro = models.TextField(_("intro"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("audience")
        verbose_name_plural = _("audiences")
        ordering = ["position", "name"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("vendors:audience", kwargs={"slug": self.slug})


class DataElementCategory(models.Model):
    """A heading of the NDPA Exhibit B schedule, e.g. "Student Contact Information"."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("data element category")
        verbose_name_plural = _("data element categories")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class DataElementQuerySet(models.QuerySet):
    def with_category(self):
        return self.select_related("category")


class DataElement(models.Model):
    """One kind of personal data a vendor may receive, e.g. "Parent Email"."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), unique=True, max_length=100)
    category = models.ForeignKey(
        DataElementCategory,
        on_delete=models.PROTECT,
        related_name="elements",
        verbose_name=_("category"),
    )
    description = models.TextField(_("plain-language description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = DataElementQuerySet.as_manager()
    # `history` is registered in vendors/translation.py, once the language columns exist.

    class Meta:
        verbose_name = _("data element")
        verbose_name_plural = _("data elements")
        ordering = ["category__position", "position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "name"], name="data_element_name_unique_in_category"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.category.name})"

    def get_absolute_url(self):
        return reverse("vendors:data_element", kwargs={"slug": self.slug})


class SharedText(models.Model):
    """A text staff write once and attach to many sharing records."""

    title = models.CharField(
        _("internal title"),
        max_length=200,
        unique=True,
        help_text=_("For staff only, to pick this text from a list. Not shown to the public."),
    )
    text = models.TextField(_("text"), help_text=_("Markdown: paragraphs, lists, bold, links."))
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    class Meta:
        abstract = True
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="%(class)s_text_not_empty"),
        ]

    def __str__(self):
        return self.title


class UsageStatement(SharedText):
    """How the data is being used."""

    # `history` is registered in vendors/translation.py, once the language columns exist.

    class Meta(SharedText.Meta):
        verbose_name = _("usage statement")
        verbose_name_plural = _("usage statements")


class DestructionTerm(SharedText):
    """When and how the data will be destroyed."""

    # `history` is registered in vendors/translation.py, once the language columns exist.

    class Meta(SharedText.Meta):
        verbose_name = _("destruction term")
        verbose_name_plural = _("destruction terms")
