"""Helpers for the few hot reads written as plain SQL (each says why where it is used)."""

from django.db import connection


def table(model):
    """`model`'s table name, quoted for the current database."""
    return connection.ops.quote_name(model._meta.db_table)
