"""The API's JSON parser: a body too deep or too big is the client's error, never a 500."""

import io

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from .errors import RequestTooLarge


class JSONParser(parsers.JSONParser):
    """DRF's parser with two limits DRF leaves out.

    DRF reads a JSON body without DATA_UPLOAD_MAX_MEMORY_SIZE (Django applies it to forms
    only), and a deeply nested body ('[' * 50000) raises RecursionError, not ValueError."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and stream is not None:
            raw = stream.read(limit + 1)
            if len(raw) > limit:
                raise RequestTooLarge()
            stream = io.BytesIO(raw)
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply.") from None
