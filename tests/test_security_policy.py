"""The Content-Security-Policy header (cultuurregio/policy.py): built once per process, the
same header django-csp itself would send, and django-csp's own way wherever a response asks
for something else (a nonce, a view's own policy, an exemption)."""

import pytest
from csp.constants import HEADER, NONCE
from csp.decorators import csp_exempt, csp_update
from csp.utils import build_policy
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from cultuurregio.policy import CSPMiddleware

pytestmark = pytest.mark.django_db


def _through_middleware(view):
    request = RequestFactory().get("/")
    middleware = CSPMiddleware(lambda request: view(request))
    return request, middleware(request)


def test_a_page_gets_the_policy_django_csp_builds_from_the_settings(client):
    first = client.get(reverse("home"))
    second = client.get(reverse("actoren:gemeenten"))

    assert first[HEADER] == second[HEADER] == build_policy()
    assert "script-src 'self'" in first[HEADER]


def test_a_response_that_used_a_nonce_gets_django_csps_own_header(settings):
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"],
                       "script-src": ["'self'", NONCE]},
    }

    def view(request):
        return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")

    request, response = _through_middleware(view)

    assert f"'nonce-{request._csp_nonce}'" in response[HEADER]


def test_a_view_that_widens_its_policy_gets_its_own_header():
    @csp_update({"img-src": ["https://kaart.example.org"]})
    def view(request):
        return HttpResponse("kaart")

    _request, response = _through_middleware(view)

    assert "https://kaart.example.org" in response[HEADER]


def test_an_exempted_view_gets_no_header():
    @csp_exempt()
    def view(request):
        return HttpResponse("vrij")

    _request, response = _through_middleware(view)

    assert HEADER not in response


def test_a_nonce_asked_for_after_the_header_is_written_is_an_error():
    request, _response = _through_middleware(lambda request: HttpResponse("klaar"))

    with pytest.raises(Exception, match="not available after the CSP header"):
        str(request.csp_nonce)
