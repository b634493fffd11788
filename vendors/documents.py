"""Agreement documents (the signed agreement, the destruction certificate): PDFs only.

An uploaded file is stored under MEDIA_ROOT with a random name and is never served from
MEDIA_URL: the only way out is the download view, which checks that the title is public
and the document's public flag is on. So a private document cannot be reached by guessing
its address, and a file that claims to be a PDF but is HTML is never rendered in the
site's origin.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.utils.cache import patch_cache_control
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csp import csp_override

PDF_MAGIC = b"%PDF-"
MEGABYTE = 1024 * 1024

# For the views that hand out a document: opened in a tab anyway, it runs no script and
# reaches nothing of this origin.
sandboxed_document = csp_override({"sandbox": True, "default-src": [CSP.NONE]})

# Field name on Agreement -> the name the download gets (after the title's slug).
DOCUMENT_FILENAMES = {
    "signed_agreement": "signed-agreement.pdf",
    "destruction_certificate": "destruction-certificate.pdf",
}


def agreement_document_path(instance, filename):
    """agreements/<random>.pdf: the uploader's file name (which may name a child or a
    vendor) is dropped, and no one can guess where a document lives."""
    return f"agreements/{uuid.uuid4().hex}.pdf"


def consent_form_path(instance, filename):
    """consent-forms/<random>.pdf, for the same reasons as agreement_document_path."""
    return f"consent-forms/{uuid.uuid4().hex}.pdf"


def validate_pdf(file):
    """A new upload must be a PDF by its content, not by what the browser or the name says.

    A file already stored passed this check when it was uploaded; it is not read again
    each time its agreement is saved."""
    if getattr(file, "_committed", False):
        return
    if not file.name.lower().endswith(".pdf"):
        raise ValidationError(
            _("Upload a PDF file: its name must end in .pdf."), code="not_pdf_extension"
        )
    size = file.size
    if not size:
        raise ValidationError(_("The file is empty. Choose the PDF again."), code="empty")
    limit = settings.MAX_UPLOAD_MB
    if size > limit * MEGABYTE:
        raise ValidationError(
            _("The file is %(size).1f MB; the limit is %(limit)d MB. Upload a smaller PDF."),
            code="too_large",
            params={"size": size / MEGABYTE, "limit": limit},
        )
    if read_head(file, len(PDF_MAGIC)) != PDF_MAGIC:
        raise ValidationError(
            _(
                "This file is not a PDF, whatever its name says. Save or export the document "
                "as PDF and upload that file."
            ),
            code="not_pdf",
        )


def read_head(file, count):
    """The first bytes of an upload, leaving it ready to be saved from the start."""
    handle = getattr(file, "file", file)
    handle.seek(0)
    head = handle.read(count)
    handle.seek(0)
    return head if isinstance(head, bytes) else head.encode()


def delete_files_after_commit(files):
    """Remove replaced or deleted documents from storage, once the change is committed
    (a rolled-back save must not lose the file its row still names)."""
    files = [(file.storage, file.name) for file in files if file]
    if not files:
        return

    def delete():
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(delete)


def document_response(agreement, field):
    """The document as a PDF download (its view is `sandboxed_document`); 404
    when the row names a file the volume has lost (e.g. restored without its media)."""
    return pdf_response(
        getattr(agreement, field), f"{agreement.vendor.slug}-{DOCUMENT_FILENAMES[field]}"
    )


def pdf_response(file, filename):
    """A stored PDF as a download named `filename`, for any document's view."""
    try:
        handle = file.open("rb")
    except OSError as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Un-publishing takes effect on the next request: no browser or proxy keeps a copy.
    patch_cache_control(response, private=True, no_store=True)
    return response
