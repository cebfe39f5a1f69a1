"""The dashboard as an Excel workbook (its tables) and as a printable A4 PDF (headline figures, charts drawn
with reportlab.graphics, the children table), Chinese text in the CID font STSong-Light like
inspections/exports.py. Both read the same ``selectors.Report`` as the page, so the queries are the page's."""

from __future__ import annotations

import io
from urllib.parse import quote

from django.http import HttpResponse
from django.utils.translation import gettext as _

from activities import rules as activity_rules
from branches.choices import OrgKind
from inspections.exports import XLSX

from .selectors import DASHBOARD_KINDS, WEAK_PART_LABELS, WEAK_THRESHOLD, WEAK_WEIGHTS, Figures, Report

FONT = "STSong-Light"
# Children in the PDF's ranking chart (the lowest compliance rates).
PDF_RANKING_SIZE = 15


def _kind_label(kind: str) -> str:
    return str(OrgKind(kind).label) if kind in OrgKind.values else kind


def _title(report: Report) -> str:
    return _("Organizational life dashboard: %(name)s") % {"name": report.organization.name}


def _period_text(report: Report) -> str:
    return _("Period %(label)s (%(start)s – %(end)s), figures as of %(today)s") % {
        "label": activity_rules.period_label(report.period, report.start), "start": report.start.isoformat(),
        "end": report.end.isoformat(), "today": report.today.isoformat()}


def _filename(report: Report, ext: str) -> str:
    org = report.organization
    return f"{_('dashboard')}-{org.code or org.pk}-{activity_rules.period_label(report.period, report.start)}.{ext}"


def headline(t: Figures) -> list[tuple[str, object, str]]:
    """(label, value, number format) of the headline figures; rates are fractions."""
    return [
        (_("Compliance rate"), t.compliance, "0.0%"),
        (_("Requirements done"), t.done_total, "0"),
        (_("Requirements so far"), t.slots_total, "0"),
        (_("Overdue requirements"), t.overdue_total, "0"),
        (_("Finalized meetings"), t.meetings, "0"),
        (_("Attendance rate"), t.attendance, "0.0%"),
        (_("Members"), t.members, "0"),
        (_("Members 3+ months without organizational life"), t.near_3, "0"),
        (_("Members 5+ months without organizational life"), t.near_5, "0"),
        (_("Branches"), t.branches, "0"),
        (_("Terms overdue"), t.term_overdue, "0"),
        (_("Terms ending within six months"), t.term_expiring, "0"),
        (_("Terms not recorded"), t.term_unknown, "0"),
        (_("Open rectification tickets"), t.tickets_open, "0"),
        (_("Overdue rectification tickets"), t.tickets_overdue, "0"),
        (_("Registered supervision"), t.tickets_supervised, "0"),
    ]


def children_columns() -> list[str]:
    return [_("Organization"), _("Kind"), _("Weak-and-lax score"), _("Compliance rate"), _("Requirements done"),
            _("Requirements so far"), _("Overdue requirements"), _("Finalized meetings"), _("Attendance rate"),
            _("Members"), _("3+ months"), _("5+ months"), _("Terms overdue"), _("Terms ending within six months"),
            _("Open tickets"), _("Overdue tickets"), _("Registered supervision")]


def children_row(c: Figures) -> list:
    return [c.name, _kind_label(c.kind), c.weak_score, c.compliance, c.done_total, c.slots_total, c.overdue_total,
            c.meetings, c.attendance, c.members, c.near_3, c.near_5, c.term_overdue, c.term_expiring,
            c.tickets_open, c.tickets_overdue, c.tickets_supervised]


# --- Excel ------------------------------------------------------------------------------------------

def workbook(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    wb = Workbook()

    def sheet(title: str, header: list[str], widths: list[int], *, first: bool = False):
        ws = wb.active if first else wb.create_sheet()
        ws.title = title[:31]
        ws.append([_title(report)])
        ws["A1"].font = Font(size=14, bold=True)
        ws.append([_period_text(report)])
        ws.append(header)
        for cell in ws[3]:
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for col, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(col)].width = width
        ws.freeze_panes = "A4"
        return ws

    def formats(ws, percent_columns: set[int]):
        for row in ws.iter_rows(min_row=4):
            for cell in row:
                if cell.column in percent_columns:
                    cell.number_format = "0.0%"

    t = report.totals
    ws = sheet(_("Summary"), [_("Figure"), _("Value")], [44, 14], first=True)
    for label, value, fmt in headline(t):
        ws.append([label, value])
        ws.cell(ws.max_row, 2).number_format = fmt

    ws = sheet(_("By activity"), [_("Activity"), _("Done"), _("Required so far"), _("Compliance rate"),
                                  _("Overdue")], [32, 10, 14, 14, 10])
    for kind in DASHBOARD_KINDS:
        ws.append([str(kind.label), t.done.get(kind, 0), t.slots.get(kind, 0), t.compliance_of(kind),
                   t.overdue.get(kind, 0)])
    formats(ws, {4})

    ws = sheet(_("Monthly trend"), [_("Month"), _("Finalized meetings"), _("Required"), _("Done"),
                                    _("Compliance rate")], [12, 16, 12, 12, 14])
    for row in report.trend:
        ws.append([row["month"], row["meetings"], row["slots"], row["done"], row["rate"]])
    formats(ws, {5})

    columns = children_columns()
    ws = sheet(_("Organizations"), columns, [36, 10, *[11] * (len(columns) - 2)])
    for child in report.children:
        ws.append(children_row(child))
    formats(ws, {4, 9})

    labels = {k: str(v) for k, v in WEAK_PART_LABELS.items()}
    ws = sheet(_("Weak and lax"), [_("Organization"), _("Weak-and-lax score"), _("Candidate"),
                                   *[f"{labels[k]} (≤{w})" for k, w in WEAK_WEIGHTS.items()]],
               [36, 12, 10, *[16] * len(WEAK_WEIGHTS)])
    for child in report.children:
        parts = child.weak_parts
        ws.append([child.name, child.weak_score, _("yes") if child.is_weak_candidate else "",
                   *[parts[k] for k in WEAK_WEIGHTS]])
    ws.append([])
    ws.append([_("A candidate scores %(threshold)s or more out of 100; each part is already weighted.")
               % {"threshold": WEAK_THRESHOLD}])

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xlsx_response(report: Report) -> HttpResponse:
    response = HttpResponse(workbook(report), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(_filename(report, 'xlsx'))}"
    return response


# --- PDF --------------------------------------------------------------------------------------------

def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def _trend_chart(report: Report, width: float):
    """Finalized meetings per month (bars) above the compliance rate per month (a line, 0–100 %)."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.charts.linecharts import HorizontalLineChart
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    trend = report.trend
    months = [row["month"][2:] for row in trend] or ["—"]
    drawing = Drawing(width, 300)
    drawing.add(String(0, 288, _("Finalized meetings per month"), fontName=FONT, fontSize=10))
    bars = VerticalBarChart()
    bars.x, bars.y, bars.width, bars.height = 40, 170, width - 60, 105
    bars.data = [[row["meetings"] for row in trend] or [0]]
    bars.categoryAxis.categoryNames = months
    bars.categoryAxis.labels.fontName = FONT
    bars.categoryAxis.labels.fontSize = 7
    bars.valueAxis.valueMin = 0
    bars.valueAxis.labels.fontSize = 7
    bars.bars[0].fillColor = colors.HexColor("#b71c1c")
    drawing.add(bars)
    drawing.add(String(0, 135, _("Compliance rate per month (%) — requirements by the month their period "
                                 "begins"), fontName=FONT, fontSize=10))
    line = HorizontalLineChart()
    line.x, line.y, line.width, line.height = 40, 20, width - 60, 100
    rates = [None if row["rate"] is None else round(100 * row["rate"], 1) for row in trend]
    line.data = [rates or [None]]
    line.categoryAxis.categoryNames = months
    line.categoryAxis.labels.fontName = FONT
    line.categoryAxis.labels.fontSize = 7
    line.valueAxis.valueMin, line.valueAxis.valueMax, line.valueAxis.valueStep = 0, 100, 25
    line.valueAxis.labels.fontSize = 7
    line.lines[0].strokeColor = colors.HexColor("#1565c0")
    line.lines[0].strokeWidth = 1.5
    drawing.add(line)
    return drawing


def _ranking_chart(report: Report, width: float):
    """The children with the lowest compliance rates (horizontal bars), or None without any."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    ranked = sorted((c for c in report.children if c.compliance is not None),
                    key=lambda c: (c.compliance, c.name))[:PDF_RANKING_SIZE]
    if not ranked:
        return None
    ranked.reverse()  # the first category is drawn at the bottom
    height = 40 + 16 * len(ranked)
    drawing = Drawing(width, height + 20)
    drawing.add(String(0, height + 8, _("Lowest compliance rates among the organizations below (%)"),
                       fontName=FONT, fontSize=10))
    bars = HorizontalBarChart()
    bars.x, bars.y, bars.width, bars.height = 150, 15, width - 170, height - 20
    bars.data = [[round(100 * c.compliance, 1) for c in ranked]]
    bars.categoryAxis.categoryNames = [c.name if len(c.name) <= 16 else c.name[:15] + "…" for c in ranked]
    bars.categoryAxis.labels.fontName = FONT
    bars.categoryAxis.labels.fontSize = 7
    bars.valueAxis.valueMin, bars.valueAxis.valueMax, bars.valueAxis.valueStep = 0, 100, 20
    bars.valueAxis.labels.fontSize = 7
    bars.bars[0].fillColor = colors.HexColor("#e65100")
    bars.barLabelFormat = "%.1f"
    bars.barLabels.fontSize = 6
    bars.barLabels.boxAnchor = "w"
    bars.barLabels.dx = 3
    drawing.add(bars)
    return drawing


def pdf(report: Report) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    title = ParagraphStyle("title", fontName=FONT, fontSize=16, leading=22, alignment=1)
    heading = ParagraphStyle("heading", fontName=FONT, fontSize=12, leading=18, spaceBefore=6, spaceAfter=4)
    body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=13)
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=7.5, leading=9.5)

    def esc(text) -> str:
        return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    def p(text, style=cell) -> Paragraph:
        return Paragraph(esc(text), style)

    grid = [("GRID", (0, 0), (-1, -1), 0.4, "#888888"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("BACKGROUND", (0, 0), (-1, 0), "#eeeeee")]
    width = A4[0] - 30 * mm
    t = report.totals
    figures = [(label, _pct(value) if fmt == "0.0%" else value) for label, value, fmt in headline(t)]
    half = (len(figures) + 1) // 2
    rows = [[p(a), p(b), p(c), p(d)] for (a, b), (c, d) in
            zip(figures[:half], figures[half:] + [("", "")] * (2 * half - len(figures)), strict=True)]
    headline_table = Table(rows, colWidths=[width * 0.34, width * 0.16, width * 0.34, width * 0.16])
    headline_table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, "#888888"),
                                        ("ALIGN", (1, 0), (1, -1), "RIGHT"), ("ALIGN", (3, 0), (3, -1), "RIGHT")]))

    kinds = [[p(_("Activity")), p(_("Done")), p(_("Required so far")), p(_("Compliance rate")), p(_("Overdue"))]]
    kinds += [[p(k.label), p(t.done.get(k, 0)), p(t.slots.get(k, 0)), p(_pct(t.compliance_of(k))),
               p(t.overdue.get(k, 0))] for k in DASHBOARD_KINDS]
    kind_table = Table(kinds, colWidths=[width * 0.4, *[width * 0.15] * 4], repeatRows=1)
    kind_table.setStyle(TableStyle(grid))

    header = [_("Organization"), _("Score"), _("Compliance rate"), _("Overdue requirements"), _("Finalized meetings"),
              _("Attendance rate"), _("Members"), _("3+ months"), _("5+ months"), _("Terms overdue"),
              _("Open tickets"), _("Overdue tickets")]
    table_rows = [[p(h) for h in header]]
    for c in report.children:
        table_rows.append([p(c.name), p(c.weak_score), p(_pct(c.compliance)), p(c.overdue_total), p(c.meetings),
                           p(_pct(c.attendance)), p(c.members), p(c.near_3), p(c.near_5), p(c.term_overdue),
                           p(c.tickets_open), p(c.tickets_overdue)])
    narrow = (width * 0.76) / (len(header) - 1)
    children_table = Table(table_rows, colWidths=[width * 0.24, *[narrow] * (len(header) - 1)], repeatRows=1)
    style = list(grid)
    for index, c in enumerate(report.children, start=1):
        if c.is_weak_candidate:
            style.append(("BACKGROUND", (0, index), (-1, index), "#fdecea"))
    children_table.setStyle(TableStyle(style))

    story = [Paragraph(esc(_title(report)), title), Spacer(1, 2 * mm), Paragraph(esc(_period_text(report)), body),
             Spacer(1, 4 * mm), Paragraph(esc(_("Headline figures")), heading), headline_table,
             Paragraph(esc(_("Compliance by activity")), heading), kind_table,
             KeepTogether([Paragraph(esc(_("Trend")), heading), _trend_chart(report, width)])]
    ranking = _ranking_chart(report, width)
    if ranking is not None:
        story.append(KeepTogether([Paragraph(esc(_("Ranking")), heading), ranking]))
    if report.children:
        story += [Paragraph(esc(_("Organizations below, worst first")), heading), children_table,
                  Spacer(1, 2 * mm),
                  Paragraph(esc(_("Rows shaded red are weak-and-lax candidates: a score of %(threshold)s or more "
                                  "out of 100.") % {"threshold": WEAK_THRESHOLD}), body)]
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, title=_title(report), leftMargin=15 * mm, rightMargin=15 * mm,
                            topMargin=15 * mm, bottomMargin=15 * mm)
    doc.build(story)
    return out.getvalue()


def pdf_response(report: Report) -> HttpResponse:
    response = HttpResponse(pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(_filename(report, 'pdf'))}"
    return response
