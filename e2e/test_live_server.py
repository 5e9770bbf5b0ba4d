"""The live server and the test share no database connection (see `django_db_modify_db_settings`)."""

from django.db import connection


def test_the_live_server_opens_its_own_database_connections(transactional_db, live_server):
    # The database first, as in a whole run: the server is made once, by the first browser test, and
    # with pytest-django's in-memory SQLite it was handed the test thread's connection, so a read by
    # the test while a request was inside atomic() broke that one connection.
    assert live_server.thread.connections_override == {}
    if connection.vendor == "sqlite":
        assert not connection.is_in_memory_db()
