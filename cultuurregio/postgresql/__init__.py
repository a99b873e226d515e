"""Django's PostgreSQL backend with a cheaper health check (see base.py). Settings point
ENGINE here for every postgres:// DATABASE_URL."""
