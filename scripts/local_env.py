"""Write the local settings `make run` serves with, once: `python scripts/local_env.py .env`.

The settings read this file (django-environ) when it exists, so that `manage.py` works as
written on a developer's machine, with DEBUG off as on the real site. A file already there
is left as it is: it holds this machine's key.
"""

import secrets
import sys
from pathlib import Path

LOCAL_SETTINGS = """\
# Local settings for `make run` on this machine, written once by scripts/local_env.py and
# read by clearinghouse/settings.py. Variables set in the shell win over these.
# Never copy this file to a server: production sets its own variables (README, "Configuration").
SECRET_KEY={secret_key}
# What visitors see: the district's own error pages, never Django's debug pages.
# DEBUG=true in the shell brings those back for one command.
DEBUG=false
# runserver speaks plain HTTP on 127.0.0.1: no redirect to HTTPS, cookies over HTTP.
SECURE_SSL_REDIRECT=false
SESSION_COOKIE_SECURE=false
CSRF_COOKIE_SECURE=false
LOG_FORMAT=text
"""


def main(path):
    if path.exists():
        return
    path.write_text(LOCAL_SETTINGS.format(secret_key=secrets.token_urlsafe(50)))
    path.chmod(0o600)
    print(f"Wrote {path}: local settings for make run (git-ignored).")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else ".env"))
