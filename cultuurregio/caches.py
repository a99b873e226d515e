"""A shared cache whose outage changes only speed.

Django's Redis backend raises when the server is down or unreachable, and a page that
looks something up in the cache (``{% cache %}``, beleidsplan/pagecache.py) would then
answer 500. Everything the site keeps there can be made again from the database, so a
failing cache counts as empty: a lookup finds nothing, a store keeps nothing, and the
failure is logged (once per minute per process, not per request).
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)


class FailSoftRedisCache(RedisCache):
    _last_warning = 0.0

    def _failed(self, error: Exception) -> None:
        now = time.monotonic()
        if now - FailSoftRedisCache._last_warning > 60:
            FailSoftRedisCache._last_warning = now
            logger.warning("Cache unavailable, pages are made without it: %s", error)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except Exception as error:  # noqa: BLE001 (any failure of the cache: count as empty)
            self._failed(error)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except Exception as error:  # noqa: BLE001
            self._failed(error)
            return {}

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except Exception as error:  # noqa: BLE001
            self._failed(error)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except Exception as error:  # noqa: BLE001
            self._failed(error)
            return False

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except Exception as error:  # noqa: BLE001
            self._failed(error)
            return list(data)

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except Exception as error:  # noqa: BLE001
            self._failed(error)
            return False

    def clear(self):
        try:
            return super().clear()
        except Exception as error:  # noqa: BLE001
            self._failed(error)
            return False
