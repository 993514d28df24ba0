"""What the receiving MTA found about the sender (Authentication-Results, RFC 8601), believed
only from the MTAs named in MAIL_TRUSTED_AUTHSERV_IDS: anyone can write such a header."""

import re

from django.conf import settings

from .parse import header_all

DMARC = re.compile(r"(?:^|;)\s*dmarc\s*=\s*([a-z]+)", re.IGNORECASE)


def dmarc_results(mail):
    """The DMARC results the trusted MTAs wrote into `mail`, in header order."""
    trusted = {name.lower() for name in settings.MAIL_TRUSTED_AUTHSERV_IDS}
    results = []
    for value in header_all(mail.message, "Authentication-Results"):
        authserv_id = value.split(";", 1)[0].strip().split()[0].lower() if value.strip() else ""
        if authserv_id in trusted:
            results.extend(found.lower() for found in DMARC.findall(value))
    return results


def dmarc_failed(mail):
    """A trusted MTA says the From domain failed DMARC: the sender is not who From says."""
    return "fail" in dmarc_results(mail)
