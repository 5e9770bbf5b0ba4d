"""The one page cache: a plain view, wrapped once, stored under a key it declares from named parts.

    @cached_page(owner=True, content=True)
    def report(request, pk):
        return render(request, "assessments/report.html", report_context(request, pk))

The key of a stored page is made of named parts, and nothing else decides what a request gets:

- `view`: the view's name, its URL arguments and the script prefix the links were built with;
- `variant`: who looks, as the navbar shows it (visitor, member, staff);
- `owner` (owner=True): the requester's owner scope (a user, or a visitor's session) and that
  scope's current *owner key*, kept in the database (`careerpath.OwnerKey`). Every write to an
  owned row (assessments and what hangs off them, reviews, teams: assessments/owners.py) replaces
  the key of each owner whose pages show it, in its own transaction (`forget_owner`), so those
  stored pages become unreachable the moment the write commits, on every instance, whatever
  cache each one has. Owner pages are also encrypted with that key, so replacing or deleting it
  (a deleted account) leaves nothing readable behind;
- `content` (content=True): the content revision, a counter that every change of role content
  moves (roles/revision.py declares its row with `count_content_in` in RolesConfig.ready);
- `day` (per_day=True): today's date, for pages where time passing changes what they show;
- `session` and `query`: the values of the session entries and query parameters the view reads
  (the step page's "show targets" choice; the report's `?basis=`);
- `build`: a digest of the code, templates, static files and requirements, computed at startup,
  so a deploy never serves a page of the old code.

A view's template is rendered once with placeholders where the per-request parts go (the CSRF
token, the user's name) and the same stored HTML then answers every request of that key, with the
two placeholders filled in. So, when PAGE_CACHE_STRICT is on (DEBUG and tests), the view gets a
*strict* request: of its `session`, `GET`, `COOKIES` and `user` it can read only what the key
declares (and on an owner's page who the owner is), and the template a strict `user` (only
`is_authenticated`, `is_staff` and `get_username`) and `request` (only its path). Reading anything
else raises `UncachedRead` instead of storing one person's answer for everyone. Only GET requests
with no query parameter but the declared ones and no flash message waiting are served from or
stored in the cache; anything else goes through the plain view. Only
a 200 is stored, but every answer the view gives while rendering for the cache (a 410 for a
withdrawn draft, a redirect) has its placeholders filled like a stored page.

Every stored entry has a TTL (PAGE_CACHE_SECONDS; drafts' pages PAGE_CACHE_DRAFT_SECONDS). Only
the public `django.core.cache` API is used, so any backend works: owner keys live in the database
and content pages are keyed by the database's content revision, so even a per-process cache in
each of several workers never serves a page that a write has made stale.
"""

import functools
import hashlib
import os
import pickle
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.autoreload import file_changed
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.html import escape

from .models import OwnerKey
from .owner import Owner
from .requestparts import fill_parts, part_holes
from .sql import table

# --- the build version -------------------------------------------------------------------------

_BUILD_SUFFIXES = {".py", ".html", ".txt", ".css", ".js", ".svg", ".json", ".yaml"}
_BUILD_SKIP = {".venv", "node_modules", ".git", "bench", "docs", "e2e", "tests", "content", "__pycache__"}


def _build_files(root):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _BUILD_SKIP and not d.startswith("."))
        for name in sorted(filenames):
            if Path(name).suffix in _BUILD_SUFFIXES:
                yield Path(dirpath) / name


def compute_build_version(root=None):
    """A digest of the code, templates, static files and requirements under `root`."""
    root = Path(root or settings.BASE_DIR)
    digest = hashlib.blake2b(digest_size=8)
    for path in _build_files(root):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@functools.cache
def build_version():
    return compute_build_version()


def _file_changed(sender, file_path, **kwargs):
    """Under runserver a template edit does not restart the process (Django only resets its template
    loaders), so the build version is worked out again: no page of the old template is served."""
    build_version.cache_clear()


file_changed.connect(_file_changed, dispatch_uid="careerpath-pagecache-build-version")


# --- owner keys ----------------------------------------------------------------------------------


def owner_key(scope):
    """The owner scope's current key (32 random bytes), kept in the database and made on first use.

    The database, not the cache, holds it: a per-process cache in each of several workers, or a
    Redis that was cut off and came back, would otherwise keep serving a key that a write replaced."""
    return owner_key_and_revision(scope)[0]


def owner_key_and_revision(scope):
    """The owner's key and the content revision, in one round trip of plain SQL: every view of an
    owner's page reads both, and the ORM's query building costs more than the query."""
    counter = _content_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT {connection.ops.quote_name('key')} FROM {table(OwnerKey)} WHERE scope = %s), "
            f"(SELECT number FROM {table(counter.model)} WHERE id = %s)",
            [scope, counter.row_id],
        )
        key, number = cursor.fetchone()
    if key is None:  # no write of theirs yet: make one (a concurrent first view may win the race)
        OwnerKey.objects.bulk_create([OwnerKey(scope=scope, key=os.urandom(32))], ignore_conflicts=True)
        key = OwnerKey.objects.filter(scope=scope).values_list("key", flat=True).get()
    return bytes(key), number or 0


def owner_keys(scopes):
    """{scope: key} for many owners in one query (made for those who have none yet)."""
    found = {scope: bytes(key) for scope, key in OwnerKey.objects.filter(scope__in=scopes).values_list("scope", "key")}
    if missing := set(scopes) - found.keys():
        OwnerKey.objects.bulk_create([OwnerKey(scope=s, key=os.urandom(32)) for s in missing], ignore_conflicts=True)
        rows = OwnerKey.objects.filter(scope__in=missing).values_list("scope", "key")
        found.update({scope: bytes(key) for scope, key in rows})
    return found


def forget_owner(scope):
    """Make every page and value stored for `scope` unreachable and unreadable, on every instance.

    Called when the owner's data changes, in the writing transaction: readers see the new key
    exactly when they can see the new rows (a page rendered from the old rows meanwhile is stored
    under the old key, which the commit retires)."""
    if scope:
        OwnerKey.objects.bulk_create(  # one upsert: a new key, whether or not they had one
            [OwnerKey(scope=scope, key=os.urandom(32))],
            update_conflicts=True,
            unique_fields=["scope"],
            update_fields=["key"],
        )


def drop_owner(scope):
    """The owner is gone (a deleted account): their key goes, and with it every page sealed with it."""
    if scope:
        OwnerKey.objects.filter(scope=scope).delete()


def _key_id(key):
    return hashlib.blake2b(key, digest_size=8).hexdigest()


def _seal(key, value):
    nonce = os.urandom(12)
    return nonce + AESGCM(key).encrypt(nonce, pickle.dumps(value, pickle.HIGHEST_PROTOCOL), None)


def _open(key, sealed):
    return pickle.loads(AESGCM(key).decrypt(sealed[:12], sealed[12:], None))


# --- keys ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Counter:
    model: type  # a model with an integer `number`
    row_id: int


_counters = {}


def count_content_in(model, row_id):
    """Declare the row whose `number` counts the changes of content (roles does, in its AppConfig)."""
    _counters["content"] = Counter(model, row_id)


def _content_counter():
    try:
        return _counters["content"]
    except KeyError:
        raise ImproperlyConfigured("No app declared the content revision (pagecache.count_content_in).") from None


def content_revision():
    """The content revision (0 before the first change). Plain SQL: every public page reads it, and
    the ORM's query building costs several times the query itself."""
    counter = _content_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT number FROM {table(counter.model)} WHERE id = %s", [counter.row_id])
        row = cursor.fetchone()
    return row[0] if row else 0


def cache_key(name, parts, *, owner_scope=None):
    """`name` and its parts, the build version and (for an owner's entry) the owner key's id."""
    text = ":".join(str(part) for part in (build_version(), name, *parts))
    if len(text) > 200:  # an absurd slug in a URL: hash to stay a valid memcached/Redis key
        text = "h:" + hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
    return f"page:{text}" if owner_scope is None else f"page:{owner_scope}:{text}"


def cached_value(name, parts, compute, *, owner_scope=None, timeout=None):
    """`compute()`, cached under `name` and `parts` (what it depends on) and the build version.

    With `owner_scope` the value is personal: keyed and encrypted by the owner's key, so it goes
    when the owner's data changes or the owner is deleted."""
    timeout = settings.PAGE_CACHE_SECONDS if timeout is None else timeout
    if owner_scope is None:
        return cache.get_or_set(cache_key(name, parts), compute, timeout=timeout)
    return cached_owner_values(name, {None: (owner_scope, parts)}, lambda _ids: {None: compute()}, timeout=timeout)[
        None
    ]


def cached_owner_values(name, wanted, compute, *, timeout=None):
    """Many personal values at once, each keyed and sealed by its owner's key as `cached_value`
    does: `wanted` maps an id to (owner scope, parts); `compute(ids)` gives {id: value} for those
    not cached. One query for the owners' keys, one cache read and one write, for them all."""
    timeout = settings.PAGE_CACHE_SECONDS if timeout is None else timeout
    keys = owner_keys({scope for scope, _parts in wanted.values()})
    full = {
        i: cache_key(name, (*parts, _key_id(keys[scope])), owner_scope=scope) for i, (scope, parts) in wanted.items()
    }
    stored = cache.get_many(list(full.values()))
    found = {i: _open(keys[wanted[i][0]], stored[key]) for i, key in full.items() if key in stored}
    missing = [i for i in wanted if i not in found]
    if missing:
        fresh = compute(missing)
        cache.set_many({full[i]: _seal(keys[wanted[i][0]], value) for i, value in fresh.items()}, timeout=timeout)
        found.update(fresh)
    return found


# --- what a cached template may read ----------------------------------------------------------------


class UncachedRead(Exception):
    """A cached template read something its cache key does not vary by."""


@dataclass(frozen=True)
class Holes:
    """Placeholders that nobody can type into content (they derive from the secret key) and that
    HTML escaping leaves as they are (letters and digits only)."""

    csrf: str
    username: str


@functools.cache
def _holes():
    digest = hashlib.sha256(f"careerpath-page-holes:{settings.SECRET_KEY}".encode()).hexdigest()
    return Holes(csrf=f"csrfhole{digest[:24]}", username=f"userhole{digest[24:48]}")


class _Strict:
    """Offers `allowed`; anything else raises UncachedRead when strict (else reads as empty)."""

    def __init__(self, what, allowed, reader="template"):
        object.__setattr__(self, "_what", what)
        object.__setattr__(self, "_allowed", allowed)
        object.__setattr__(self, "_reader", reader)

    def __getattr__(self, name):
        if name in self._allowed:
            return self._allowed[name]
        if name.startswith("__") or not settings.PAGE_CACHE_STRICT:
            raise AttributeError(name)
        raise UncachedRead(
            f"A cached page's {self._reader} read {self._what}.{name}, which its cache key does not fix."
        )

    def __getitem__(self, name):
        return self.__getattr__(name)


# --- what a cached view may read ----------------------------------------------------------------------


class _StrictMapping:
    """A session or query string that offers only the keys a cache key declares (and whether it is
    empty: a page is stored only from a request without undeclared query parameters)."""

    def __init__(self, what, real, declared, *, allowed=()):
        self._what, self._real, self._declared, self._allowed = what, real, frozenset(declared), frozenset(allowed)

    def _check(self, name):
        if name not in self._declared:
            raise UncachedRead(f"A cached view read {self._what}[{name!r}], which its cache key does not declare.")

    def get(self, name, default=None):
        self._check(name)
        return self._real.get(name, default)

    def __getitem__(self, name):
        self._check(name)
        return self._real[name]

    def __contains__(self, name):
        self._check(name)
        return name in self._real

    def __bool__(self):
        return any(name in self._real for name in self._declared)

    def __len__(self):
        return sum(name in self._real for name in self._declared)

    def __getattr__(self, name):
        if name in self._allowed:
            return getattr(self._real, name)
        raise UncachedRead(f"A cached view read {self._what}.{name}, which its cache key does not declare.")


def _strict_user(user, *, owner):
    """Who is asking, as far as the key says. A visitor is anonymous anyway. On an owner's page the
    key's scope is the user: the view gets a user row with only its id and staff flag loaded (the
    ORM can filter by it), and reading any other field raises. Elsewhere only the variant's flags."""
    if not user.is_authenticated:
        return user
    if not owner:
        flags = {"is_authenticated": True, "is_anonymous": False, "is_staff": user.is_staff}
        return _Strict("user", flags, reader="view")
    model = user._meta.model  # request.user is a lazy object
    loaded = {model._meta.pk.attname: user.pk, "is_staff": user.is_staff}
    names = [f.attname for f in model._meta.concrete_fields if f.attname in loaded]
    strict = model.from_db(user._state.db, names, [loaded[name] for name in names])

    def refresh_from_db(*args, fields=None, **kwargs):
        raise UncachedRead(f"A cached page's view read user.{', '.join(fields or ['*'])}, which its key does not fix.")

    strict.refresh_from_db = refresh_from_db  # what Django calls to load a deferred field
    return strict


class _StrictRequest:
    """The request a cached view gets while its page is rendered for the cache (PAGE_CACHE_STRICT:
    DEBUG and tests). Everything reads through to the real request except what a key may not
    cover: of `session`, `GET`, `COOKIES` and `user`, only what the decorator declares (and, on an
    owner's page, who the owner is) can be read; anything else raises UncachedRead."""

    def __init__(self, request, *, owner, session, query):
        fields = {
            "_request": request,
            "user": _strict_user(request.user, owner=owner),
            "session": _StrictMapping("session", request.session, session, allowed=("session_key",) if owner else ()),
            "GET": _StrictMapping("GET", request.GET, query),
            "COOKIES": _StrictMapping("COOKIES", request.COOKIES, ()),
        }
        self.__dict__.update(fields)

    def __getattr__(self, name):
        return getattr(self._request, name)

    def __setattr__(self, name, value):
        setattr(self._request, name, value)


def variant(user):
    if not user.is_authenticated:
        return "visitor"
    return "staff" if user.is_staff else "member"


def strict_context(request):
    """Context processor (last in the list): while a page is rendered for storing, the template
    gets the strict user and request, the CSRF placeholder and no messages."""
    if not getattr(request, "_rendering_for_cache", False):
        return {}
    holes = _holes()
    user = request.user
    strict_user = _Strict(
        "user",
        {
            "is_authenticated": user.is_authenticated,
            "is_staff": user.is_authenticated and user.is_staff,
            "get_username": lambda: holes.username,
        },
    )
    return {
        "user": strict_user,
        "request": _Strict("request", {"path": request.path, "user": strict_user}),
        "perms": _Strict("perms", {}),
        "csrf_token": holes.csrf,
        "messages": (),
        **part_holes(),
    }


def fill(html, request):
    """The stored page with this request's CSRF token and user name in place."""
    holes = _holes()
    if holes.csrf in html:
        html = html.replace(holes.csrf, get_token(request))
    if holes.username in html:
        html = html.replace(holes.username, escape(request.user.get_username()))
    return fill_parts(html, request)


# --- the decorator ----------------------------------------------------------------------------------


def _cacheable(request, query):
    return (
        request.method in ("GET", "HEAD") and set(request.GET) <= set(query) and not len(messages.get_messages(request))
    )


def _headers(response, request, *, owner):
    if owner:
        add_never_cache_headers(response)  # personal: no browser or proxy keeps it
    elif request.user.is_authenticated:
        patch_cache_control(response, private=True)  # holds the user's name and a CSRF token
    return response


def cached_page(*, owner=False, content=False, per_day=False, session=(), query=(), timeout=None):
    """Serve the wrapped view's 200 answers from the cache under the key its parts declare.

    `session` and `query` name the session entries and query parameters the view reads: their
    values are parts of the key. A request with another query parameter is rendered, never stored."""

    def decorator(view):
        name = f"{view.__module__}.{view.__qualname__}"

        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            scope = Owner.of(request).scope if owner else None
            if not _cacheable(request, query) or (owner and scope is None):
                return _headers(view(request, *args, **kwargs), request, owner=owner)
            parts = [
                get_script_prefix(),
                variant(request.user),
                *args,
                *(f"{k}={v}" for k, v in sorted(kwargs.items())),
                *(f"session:{k}={request.session.get(k)!r}" for k in session),
                *(f"query:{k}={request.GET.getlist(k)!r}" for k in query),
            ]
            key = None
            if owner:
                key, revision = owner_key_and_revision(scope)
            elif content:
                revision = content_revision()
            if content:
                parts.append(f"rev{revision}")
            if per_day:
                parts.append(timezone.localdate().isoformat())
            full_key = cache_key(name, parts if key is None else (*parts, _key_id(key)), owner_scope=scope)
            stored = cache.get(full_key)
            if stored is not None:
                html = stored if key is None else _open(key, stored)
                return _headers(HttpResponse(fill(html, request)), request, owner=owner)
            request._rendering_for_cache = True
            strict = settings.PAGE_CACHE_STRICT
            try:
                seen = _StrictRequest(request, owner=owner, session=session, query=query) if strict else request
                response = view(seen, *args, **kwargs)
            finally:
                request._rendering_for_cache = False
            if getattr(response, "streaming", False):
                return _headers(response, request, owner=owner)
            html = response.content.decode(response.charset)
            if response.status_code == 200:  # only a 200 is stored; every answer is filled (a 410, a 404...)
                ttl = settings.PAGE_CACHE_SECONDS if timeout is None else timeout
                cache.set(full_key, html if key is None else _seal(key, html), timeout=ttl)
            response.content = fill(html, request)
            return _headers(response, request, owner=owner)

        wrapper.cached_page = {  # type: ignore[attr-defined]  # read back by the stale-page tests
            "owner": owner,
            "content": content,
            "per_day": per_day,
            "session": tuple(session),
            "query": tuple(query),
        }
        return wrapper

    return decorator


def get_or_post(page, post):
    """One URL for a cached page and the form that posts back to it: GET and HEAD go to `page`
    (wrapped in @cached_page), POST to `post`. It carries `page`'s declaration, so the tests that
    find every cached page in the URLconf find this one."""

    @functools.wraps(page)
    def view(request, *args, **kwargs):
        return (post if request.method == "POST" else page)(request, *args, **kwargs)

    return view
