"""Which email addresses an account has verified: the one seam django-allauth will fill (issue 30).

Today careerpath verifies no address: sign-up asks for one and never checks it. So
`has_verified_email` answers False for everyone, and every caller must work with that answer
(a team invitation sent to an address waits for the team owner's confirmation instead of joining
at once: teams/services.py). When allauth arrives, the body becomes
`EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()` and no
caller changes. Nothing may decide on an address being verified any other way.
"""


def has_verified_email(user, email):
    """Whether `user` has proved they receive mail at `email`. Always False until allauth."""
    return False
