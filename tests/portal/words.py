"""What a customer reads on a page: its text, without tags and attributes (a CSRF token or a
CSP nonce is random text and may contain "P3")."""

import re


def visible_text(page):
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())
