"""Keeps the current request within reach of an e-mail sent after commit, so that a failed
send can tell the coordinator who caused it (a message on the next page)."""

from __future__ import annotations

import contextvars

current_request: contextvars.ContextVar = contextvars.ContextVar(
    "outbox_current_request", default=None
)


class OutboxMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)
