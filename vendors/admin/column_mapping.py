"""A district's own spreadsheet in the titles' import: after the file is chosen, each of its
headers gets a choice of our columns (or "ignore"), filled in where the header is ours or a
saved mapping knows it; the preview and the confirm then read the renamed file.

The step is a plain form on the import page, no JavaScript: the file waits in the upload
folder between the two posts, and the import form hands it on as if it had just been
uploaded, so the library's preview and confirm run unchanged. The mapping reaches the
resource as a constructor argument (VendorResource(column_mapping=…)), from the import form
for the preview and from a hidden field of the confirm form for the confirm."""

import csv
import io
import uuid

import openpyxl
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.utils.translation import gettext_lazy as _
from import_export.forms import ConfirmImportForm

from ..models import ColumnMapping, fold_for_search
from ..resources import UPLOAD_FOLDER, VendorImportForm, VendorResource, read_failure_message
from ..resources.mapping import mapping_errors
from ..resources.titles import VENDOR_COLUMNS
from ..resources.uploads import upload_storage

IGNORE = ""


def our_columns():
    return VendorResource().import_columns()


def read_headers(content, binary):
    """The header row alone: a CSV's first line, an XLSX's first row (read lazily)."""
    try:
        if binary:
            sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).active
            row = next(sheet.iter_rows(max_row=1, values_only=True), ())
        else:
            row = next(csv.reader(io.StringIO(content.decode("utf-8-sig"))), [])
    except Exception as error:  # The parsers raise anything, as the library's reading does.
        raise ValidationError({"import_file": read_failure_message(error)}) from None
    return [str(header).strip() for header in row if header is not None and str(header).strip()]


def plain(header):
    return " ".join(fold_for_search(header).replace("_", " ").replace("-", " ").split())


class TitleImportForm(VendorImportForm):
    saved_mapping = forms.ModelChoiceField(
        ColumnMapping.objects.all(),
        required=False,
        label=_("Saved column mapping"),
        help_text=_("For a file whose headers are not ours: how its columns were matched before."),
    )
    save_mapping_as = forms.CharField(
        required=False,
        max_length=100,
        label=_("Save this mapping as"),
        help_text=_("Leave empty to use it this once."),
    )
    stored_file = forms.CharField(required=False, widget=forms.HiddenInput)
    original_name = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.formats = formats
        self.fields["import_file"].required = False
        self.headers = []
        self.columns = our_columns()
        self.needs_mapping = False
        data = self.data or {}
        stored = self.stored_name(data.get("stored_file", ""))
        if stored and self.format_class(data.get("format")):
            try:
                with upload_storage().open(stored) as upload:
                    self.stored_content = upload.read()
                self.data = self.data.copy()
                self.add_column_fields(self.stored_headers(), self.saved(data))
            except (FileNotFoundError, ValidationError):
                self.stored_content = None

    def clean_import_file(self):
        # Absent at the mapping step: the file is the one stored at the first step.
        return super().clean_import_file() if self.cleaned_data.get("import_file") else None

    @staticmethod
    def stored_name(name):
        # Only a name this form made: never a path of the client's choosing.
        try:
            return f"{UPLOAD_FOLDER}/mapping-{uuid.UUID(name).hex}"
        except ValueError:
            return ""

    def format_class(self, index):
        try:
            return self.formats[int(index)]
        except (TypeError, ValueError, IndexError):
            return None

    def saved(self, data):
        try:
            return ColumnMapping.objects.get(pk=data.get("saved_mapping")).columns
        except (ColumnMapping.DoesNotExist, ValueError, TypeError):
            return {}

    def stored_headers(self):
        return read_headers(
            self.stored_content, self.format_class(self.data["format"])().is_binary()
        )

    def add_column_fields(self, headers, saved):
        self.headers = headers
        self.needs_mapping = True
        choices = [(IGNORE, _("— ignore this column —")), *[(c, c) for c in self.columns]]
        # "Privacy policy URL" is privacy_policy_url: named like ours, whatever the case.
        ours = {plain(column): column for column in self.columns}
        for number, header in enumerate(headers):
            initial = saved.get(header, ours.get(plain(header), IGNORE))
            name = f"column_{number}"
            self.fields[name] = forms.ChoiceField(
                label=header, choices=choices, required=False, initial=initial
            )
            if name not in self.data:
                self.data[name] = initial

    def column_fields(self):
        return [self[f"column_{number}"] for number in range(len(self.headers))]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if self.headers:
            return self.clean_mapping(cleaned)
        upload = cleaned.get("import_file")
        if not upload:
            if cleaned.get("stored_file"):
                raise ValidationError(_("The file waited too long on the server: choose it again."))
            raise ValidationError({"import_file": _("Choose a file to import.")})
        fmt = self.format_class(cleaned.get("format"))
        content = upload.read()
        upload.seek(0)
        headers = read_headers(content, fmt().is_binary())
        saved = cleaned["saved_mapping"].columns if cleaned.get("saved_mapping") else {}
        if all(header in self.columns or header in saved for header in headers):
            # Our headers, or all known to the mapping chosen: straight to the preview, which
            # says what is wrong with a saved mapping our columns have outgrown.
            cleaned["column_mapping"] = {h: c for h, c in saved.items() if h in headers}
            return cleaned
        # Not our headers: keep the file, and ask how its columns match ours.
        name = uuid.uuid4().hex
        upload_storage().save(self.stored_name(name), ContentFile(content))
        self.data = self.data.copy()
        self.data.update({"stored_file": name, "original_name": upload.name})
        self.add_column_fields(headers, saved)
        raise ValidationError(
            _("Your file's headers are not ours: choose the column of ours each one fills.")
        )

    def clean_mapping(self, cleaned):
        mapping = {
            header: cleaned.get(f"column_{number}", IGNORE)
            for number, header in enumerate(self.headers)
        }
        errors = [str(error) for error in mapping_errors(mapping, self.columns)]
        missing = [column for column in VENDOR_COLUMNS if column not in mapping.values()]
        if missing:
            errors.append(
                str(_("No column of the file is mapped to: %(columns)s."))
                % {"columns": ", ".join(missing)}
            )
        name = cleaned.get("save_mapping_as", "").strip()
        if (
            name
            and ColumnMapping.objects.filter(name=name)
            .exclude(pk=getattr(cleaned.get("saved_mapping"), "pk", None))
            .exists()
        ):
            errors.append(str(_("A mapping called “%(name)s” exists already.")) % {"name": name})
        if errors:
            raise ValidationError(errors)
        cleaned["column_mapping"] = {h: c for h, c in mapping.items() if c != h}
        cleaned["import_file"] = File(
            io.BytesIO(self.stored_content), name=cleaned.get("original_name") or "import"
        )
        upload_storage().delete(self.stored_name(cleaned["stored_file"]))
        return cleaned


class MappedConfirmImportForm(ConfirmImportForm):
    column_mapping = forms.JSONField(required=False, widget=forms.HiddenInput)


class ColumnMappingImportMixin:
    """The titles' import with the mapping step; see the module's docstring."""

    import_form_class = TitleImportForm
    confirm_form_class = MappedConfirmImportForm
    import_template_name = "admin/vendors/vendor/import.html"

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        # The upload the mapping step handed on is not in request.FILES, where the import
        # looks for a refused preview's file to discard.
        context = getattr(response, "context_data", None) or {}
        form = context.get("form")
        upload = (getattr(form, "cleaned_data", None) or {}).get("import_file")
        stored = getattr(upload, "tmp_storage_name", "")
        if stored and not context.get("confirm_form") and "import_file" not in request.FILES:
            self.discard_upload(stored)
        return response

    def get_import_resource_kwargs(self, request, **kwargs):
        kwargs = super().get_import_resource_kwargs(request, **kwargs)
        form = kwargs.pop("form", None)
        cleaned = getattr(form, "cleaned_data", None) or {}
        return {**kwargs, "column_mapping": cleaned.get("column_mapping") or {}}

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["column_mapping"] = import_form.cleaned_data["column_mapping"]
            self.save_mapping(request, import_form.cleaned_data)
        return initial

    def save_mapping(self, request, cleaned):
        name = (cleaned.get("save_mapping_as") or "").strip()
        if name and cleaned.get("column_mapping"):
            ColumnMapping.objects.update_or_create(
                name=name,
                defaults={"columns": cleaned["column_mapping"]},
                create_defaults={"columns": cleaned["column_mapping"], "created_by": request.user},
            )


class ColumnMappingForm(forms.ModelForm):
    class Meta:
        model = ColumnMapping
        fields = ["name", "columns"]

    def clean_columns(self):
        columns = self.cleaned_data["columns"]
        if not isinstance(columns, dict) or not all(
            isinstance(header, str) and isinstance(column, str)
            for header, column in columns.items()
        ):
            raise ValidationError(
                _('Write the pairs as {"their header": "our column", …}, each a text.')
            )
        errors = mapping_errors(columns, our_columns())
        if errors:
            raise ValidationError(errors)
        return columns


@admin.register(ColumnMapping)
class ColumnMappingAdmin(admin.ModelAdmin):
    form = ColumnMappingForm
    list_display = ["name", "updated_at", "created_by"]
    list_filter = ["updated_at"]
    search_fields = ["name"]
    readonly_fields = ["created_by", "updated_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
