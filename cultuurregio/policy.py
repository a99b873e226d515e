"""The Content-Security-Policy header, with the site's one policy built once per process.

django-csp builds the header from ``settings.CONTENT_SECURITY_POLICY`` on every response
(copying the settings into dataclasses and back twice): about a tenth of what a cached page
costs in ``tools/benchmark.py``. Our pages use no nonce and no per-view policy, so the header
is the same string every time. A response that does use one (django-csp's decorators, a
template asking for ``request.csp_nonce``), a report-only policy or excluded paths in the
settings, and development mode go django-csp's own way, unchanged.
"""

from functools import cached_property

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as LibraryMiddleware
from csp.utils import build_policy
from django.conf import settings

# What django-csp's decorators set on a response to change or drop its policy.
_PER_RESPONSE = tuple(
    f"_csp_{name}{suffix}"
    for name in ("config", "update", "replace", "exempt")
    for suffix in ("", "_ro")
)


class CSPMiddleware(LibraryMiddleware):
    @cached_property
    def _site_policy(self) -> str:
        return build_policy()

    def _library_way(self, request, response) -> bool:
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
        return (
            settings.DEBUG
            or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            or policy.get("EXCLUDE_URL_PREFIXES")
            or getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in _PER_RESPONSE)
        )

    def process_response(self, request, response):
        if self._library_way(request, response):
            return super().process_response(request, response)
        if HEADER not in response:
            response[HEADER] = self._site_policy
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
