"""Checks on what the environment gives settings.py, each failing the start with the
variable's name, so that a misspelt value is caught at deploy rather than on first use."""

import ipaddress

from django.core.exceptions import ImproperlyConfigured

# The browser features no page uses, so that no page (or injected frame) may: the
# Permissions-Policy header names each with an empty allow-list.
UNUSED_BROWSER_FEATURES = (
    "accelerometer",
    "ambient-light-sensor",
    "autoplay",
    "bluetooth",
    "browsing-topics",
    "camera",
    "display-capture",
    "encrypted-media",
    "fullscreen",
    "gamepad",
    "geolocation",
    "gyroscope",
    "hid",
    "identity-credentials-get",
    "idle-detection",
    "interest-cohort",
    "local-fonts",
    "magnetometer",
    "microphone",
    "midi",
    "otp-credentials",
    "payment",
    "picture-in-picture",
    "publickey-credentials-create",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "storage-access",
    "usb",
    "web-share",
    "window-management",
    "xr-spatial-tracking",
)


def choice(env, name, default, choices):
    """The variable's value, which must be one of `choices`."""
    value = env.str(name, default=default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be {' or '.join(choices)}, not {value!r}.")
    return value


def proxy_addresses(entries):
    """FORWARDED_ALLOW_IPS as gunicorn reads it: addresses, CIDR networks, or * for any."""
    addresses = [entry.strip() for entry in entries if entry.strip()]
    for address in addresses:
        if address != "*":
            try:
                ipaddress.ip_network(address)
            except ValueError as error:
                raise ImproperlyConfigured(f"FORWARDED_ALLOW_IPS: {error}.") from error
    return addresses
