from io import StringIO

from django.core.management import CommandError, call_command


def run_report():
    """`manage.py clearinghouse_report` as cron sees it: its output and its exit status."""
    out = StringIO()
    try:
        call_command("clearinghouse_report", stdout=out)
    except CommandError as error:
        return out.getvalue(), error.returncode
    return out.getvalue(), 0
