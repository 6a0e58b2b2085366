"""Entry point for WSGI servers: ``gunicorn wsgi:app``."""

from meetings import create_app

app = create_app()
