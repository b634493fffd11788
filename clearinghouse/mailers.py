"""EMAIL_URL, as django-environ reads it, in the shape of Django's MAILERS setting."""


def mailer_from_url(parsed, timeout):
    """A MAILERS entry from env.email_url()'s EMAIL_* names: the SMTP backend takes its server
    as OPTIONS, and the console backend (the default) takes none."""
    backend = parsed["EMAIL_BACKEND"]
    if not backend.endswith("smtp.EmailBackend"):
        return {"BACKEND": backend}
    return {
        "BACKEND": backend,
        "OPTIONS": {
            "host": parsed["EMAIL_HOST"],
            "port": parsed["EMAIL_PORT"],
            "username": parsed["EMAIL_HOST_USER"],
            "password": parsed["EMAIL_HOST_PASSWORD"],
            "use_tls": parsed.get("EMAIL_USE_TLS", False),
            "use_ssl": parsed.get("EMAIL_USE_SSL", False),
            "timeout": timeout,
        },
    }
