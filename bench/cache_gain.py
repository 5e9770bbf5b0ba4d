"""What the page cache gains on each owner page (issue 27, item 2): the same requests with the cache
(`report`) and rendered fresh (`report (fresh)`: a query parameter no page declares, so
careerpath.pagecache neither serves nor stores it, and the plain view renders every time, as
careerpath/tests/test_stale_pages.py does).

The gain is how much more a page serves with the cache than without: cached req/s ÷ fresh req/s − 1,
from wrk's maximum and from the CPU per request (which hardly moves when other jobs share the
cores). A page keeps its `@cached_page(owner=True)` only where the gain is above KEEP_ABOVE.
"""

FRESH = " (fresh)"
KEEP_ABOVE = 0.20

# The benchmarked pages that carry @cached_page(owner=True) (assessments/views.py).
OWNER_PAGES = ("dashboard", "assessment step 1", "report ", "role fit")


def is_owner_page(name):
    return any(name == page or (page.endswith(" ") and name.startswith(page)) for page in OWNER_PAGES)


def fresh_path(path):
    return f"{path}{'&' if '?' in path else '?'}fresh=1"


def with_fresh_variants(endpoints, copy):
    """`endpoints` with each owner page followed by its fresh twin (`copy(endpoint, name, path_for)`)."""
    out = []
    for endpoint in endpoints:
        out.append(endpoint)
        if is_owner_page(endpoint.name):
            out.append(copy(endpoint, endpoint.name + FRESH, fresh_path))
    return out


def gains(throughput, cpu_estimate):
    """[(page, gain by wrk req/s or None, gain by CPU estimate or None)] for each cached/fresh pair.
    `throughput` and `cpu_estimate` map endpoint names to req/s."""
    rows = []
    for name in throughput.keys() | cpu_estimate.keys():
        if not name.endswith(FRESH):
            continue
        page = name.removesuffix(FRESH)
        rows.append((page, _gain(throughput, page, name), _gain(cpu_estimate, page, name)))
    return sorted(rows)


def _gain(table, cached, fresh):
    if not table.get(cached) or not table.get(fresh):
        return None
    return table[cached] / table[fresh] - 1


def markdown(throughput, cpu_estimate):
    rows = gains(throughput, cpu_estimate)
    if not rows:
        return []
    lines = [
        "",
        "## What the page cache gains on owner pages (cached req/s ÷ fresh req/s − 1)",
        "",
        f"Keep `@cached_page(owner=True)` where the gain is above {KEEP_ABOVE:.0%} (bench/cache_gain.py).",
        "",
        "| page | gain, wrk req/s | gain, CPU estimate | keep the cache? |",
        "|---|---:|---:|---|",
    ]
    for page, by_wrk, by_cpu in rows:
        decisive = by_cpu if by_cpu is not None else by_wrk
        verdict = "–" if decisive is None else ("yes" if decisive > KEEP_ABOVE else "no")
        lines.append(f"| {page} | {_percent(by_wrk)} | {_percent(by_cpu)} | {verdict} |")
    return lines


def _percent(value):
    return "–" if value is None else f"{value:+.0%}"
