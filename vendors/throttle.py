"""How often a public form may be sent: per email address and per client (django-ratelimit).

A form that sends mail answers the same whether or not an address is known, so the limit
is the only thing between it and someone who would use it to flood an inbox.
"""

from django.conf import settings
from django_ratelimit.core import is_ratelimited

from clearinghouse.security import client_ip


def too_often(request, form_name, address):
    """Whether this form was sent too often for `address` or from this client, counting this
    try. Rates are settings: PUBLIC_FORM_RATE_PER_ADDRESS and PUBLIC_FORM_RATE_PER_CLIENT."""
    address = address.strip().casefold()
    by_client = is_ratelimited(
        request,
        group=f"{form_name}:client",
        key=lambda group, request: client_ip(request) or "unknown",
        rate=settings.PUBLIC_FORM_RATE_PER_CLIENT,
        increment=True,
    )
    by_address = is_ratelimited(
        request,
        group=f"{form_name}:address",
        key=lambda group, request: address,
        rate=settings.PUBLIC_FORM_RATE_PER_ADDRESS,
        increment=True,
    )
    return by_client or by_address
