"""The page cache's one table (careerpath/pagecache.py): the current key of each owner's pages."""

from django.db import models


class OwnerKey(models.Model):
    """The current key of an owner's cached pages, by the owner's scope (careerpath.owner.Owner.scope). Any write to the
    owner's rows replaces it in the same transaction, so every process (whatever its cache) stops
    serving the old pages the moment the write commits, and a deleted owner's row goes, leaving their
    cached pages unreadable."""

    scope = models.CharField(max_length=64, primary_key=True)
    key = models.BinaryField(max_length=32)

    def __str__(self):
        return self.scope
