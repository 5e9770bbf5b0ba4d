"""The individual matrix as HTML: an SVG heat map and the same values as a table.

Built here with plain string joins rather than in the template: a 200-member team of a 300-skill
role is up to 60,000 cells, which Django's template engine renders in seconds and this in tens of
milliseconds. Every piece of text that came from a person (names) is escaped; the rest are numbers.
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

LABEL_WIDTH = 170
CELL = 34
HEADER = 140
RIGHT = 110  # room for the last column's slanted label


def _short(text, length):
    return escape(Truncator(text).chars(length))


def heatmap_svg(matrix):
    """Members down, skills across; each cell shows the rating, its colour the gap (see teams.css).
    Hidden from assistive technology: the table below carries the same values."""
    columns = matrix.columns
    width = LABEL_WIDTH + len(columns) * CELL + RIGHT
    height = HEADER + len(matrix.individuals) * CELL + 4
    label_y = HEADER - 6
    parts = [
        f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" aria-hidden="true" focusable="false">'
    ]
    for i, col in enumerate(columns):
        cx = LABEL_WIDTH + i * CELL + CELL // 2
        parts.append(
            f'<text class="heat-label" x="{cx}" y="{label_y}" transform="rotate(-55 {cx} {label_y})">'
            f"{_short(col.name, 20)}</text>"
        )
    for r, row in enumerate(matrix.individuals):
        y = HEADER + r * CELL
        ty = y + CELL // 2 + 5
        parts.append(f'<text class="heat-label" x="4" y="{ty}">{_short(row.display_name, 20)}</text>')
        for i, cell in enumerate(row.cells):
            x = LABEL_WIDTH + i * CELL
            rating = "" if cell.rating is None else cell.rating
            parts.append(
                f'<rect class="heat-{cell.heat}" x="{x}" y="{y}" width="{CELL - 2}" height="{CELL - 2}" rx="3"></rect>'
                f'<text class="heat-text" x="{x + CELL // 2}" y="{ty}" text-anchor="middle">{rating}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped or a number


def _cell_html(cell):
    if cell.rating is None:
        return '<td class="heat-cell-none">not rated</td>'
    gap = f' <span class="small">(gap {cell.gap})</span>' if cell.gap else ""
    return f'<td class="heat-cell-{cell.heat}">{cell.rating}{gap}</td>'


def individual_table(matrix):
    """The accessible alternative: one row per consenting member, a column per skill."""
    head = "".join(
        f'<th scope="col">{escape(col.name)} <span class="fw-normal small">(target {col.target})</span></th>'
        for col in matrix.columns
    )
    body = "".join(
        f'<tr data-testid="individual-row"><th scope="row">{escape(row.display_name)}</th>'
        + "".join(_cell_html(cell) for cell in row.cells)
        + "</tr>"
        for row in matrix.individuals
    )
    return mark_safe(  # names are escaped, the rest are numbers
        '<table class="table table-sm table-bordered align-middle" data-testid="individual-table">'
        "<caption class=\"visually-hidden\">Each consenting member's rating of each skill, with the role's target"
        f'</caption><thead><tr><th scope="col">Member</th>{head}</tr></thead><tbody>{body}</tbody></table>'
    )
