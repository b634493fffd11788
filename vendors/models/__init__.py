"""The clearinghouse's domain: who receives which family data, for what, and until when.

A `Vendor` (titles.py) is one software title. For each `Audience` (catalog.py) it
receives data from, it has one `SharingRecord` (records.py) naming the `DataElement`s
shared, the `UsageStatement` that says how they are used, and the `DestructionTerm` that
says when and how they are destroyed. Statements and terms are written once and
attached to many records, so one edit changes every page that shows them. A title's
`Agreement`s and `Subprocessor`s are in agreements.py, its `SecurityIncident`s in
incidents.py, the district's `Decision` on it in decisions.py, the district in
district.py, saved spreadsheet column mappings in imports.py, and the visibility rules in
publication.py. The `School`s a decision may be limited to are in decisions.py, and a
district employee's `ReviewRequest` of a tool is in requests.py. What a vendor states about
AI is in disclosures.py; the invitations vendors answer and the proposals staff review
before anything is written are in responses.py.
publication.py. Families' email subscriptions are in subscriptions.py.
"""

from .agreements import (
    CERTIFICATE_GRACE,
    DOCUMENT_FIELDS,
    EXPIRY_WARNING,
    REVIEW_MAX_AGE,
    Agreement,
    AgreementStatus,
    EndReason,
    Subprocessor,
)
from .catalog import (
    Audience,
    DataElement,
    DataElementCategory,
    DestructionTerm,
    SharedText,
    UsageStatement,
)
from .decisions import GRADE_BANDS, GRADE_BANDS_BY_VALUE, Decision, School
from .disclosures import AIAnswer
from .district import DistrictProfile, StatePreset
from .imports import ColumnMapping, ImportJob
from .incidents import SecurityIncident
from .publication import PublicationStatus, http_url_validator
from .records import (
    LEGAL_BASIS_EXPLANATIONS,
    LegalBasis,
    SharingRecord,
    listed_records_q,
    public_records_q,
    receiving_records_q,
)
from .reminders import ReminderDelivery, ReminderFrequency, ReminderRun
from .requests import OPEN_STATUSES, REQUEST_GRADE_BANDS, RequestStatus, ReviewRequest, is_final
from .responses import (
    FieldDecision,
    Proposal,
    ProposalSource,
    ProposalStatus,
    VendorInvitation,
)
from .subscriptions import Subscription, normalise_email
from .titles import Vendor, VendorSlugRedirect, fold_for_search
