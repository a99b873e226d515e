"""Limits stated and enforced (issue 12): a request body larger than
DATA_UPLOAD_MAX_MEMORY_SIZE is refused before Django reads it into memory."""

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_limit_is_stated_and_small():
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2 * 1024 * 1024
    # An attachment may be larger: files stream to disk and have their own limit.
    assert settings.MAX_BIJLAGE_MB * 1024 * 1024 > settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_a_form_body_over_the_limit_is_refused(client):
    body = "username=x&password=" + "a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)

    response = client.post(
        reverse("login"), body, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 400


def test_every_page_sends_the_content_security_policy(client):
    response = client.get(reverse("home"))

    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
