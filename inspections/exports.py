"""The ledger as Excel in the customary columns, and the rectification notice (整改通知书) as PDF."""

from __future__ import annotations

import io
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone

LEDGER_COLUMNS = ["序号", "问题描述", "整改措施", "责任单位", "责任人", "整改时限", "完成情况", "销号时间"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def ledger_rows(tickets):
    for index, ticket in enumerate(tickets, start=1):
        measures = "\n".join(
            f"{i}. {m.description}" + (f"（{m.owner}，{m.due_on:%Y-%m-%d}前）" if m.owner and m.due_on else "")
            for i, m in enumerate(ticket.measures.all(), start=1))
        closed = timezone.localtime(ticket.closed_at).strftime("%Y-%m-%d") if ticket.closed_at else ""
        completion = ticket.completion or ticket.get_status_display()
        yield [index, ticket.problem, measures, ticket.organization.name, ticket.responsible_person,
               ticket.deadline, completion, closed]


def ledger_workbook(tickets, *, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "整改台账"
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(LEDGER_COLUMNS))
    ws["A1"].font = Font(size=14, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(LEDGER_COLUMNS)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in ledger_rows(tickets):
        ws.append(row)
    for col, width in enumerate([6, 40, 40, 20, 10, 12, 30, 12], start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        row[5].number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A3"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def ledger_response(tickets, *, title: str = "整改台账") -> HttpResponse:
    body = ledger_workbook(tickets, title=title)
    return _attachment(HttpResponse(body, content_type=XLSX), f"整改台账-{timezone.localdate():%Y%m%d}.xlsx")


def notice_pdf(ticket) -> bytes:
    """A printable rectification notice for one ticket (A4, Chinese text in a CID font)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    title = ParagraphStyle("title", fontName="STSong-Light", fontSize=20, leading=28, alignment=1)
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=12, leading=20)
    cell = ParagraphStyle("cell", fontName="STSong-Light", fontSize=11, leading=16)

    def esc(text: str) -> str:
        return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")

    measures = "<br/>".join(f"{i}. {esc(m.description)}" for i, m in enumerate(ticket.measures.all(), start=1))
    rows = [
        ["编号", ticket.number], ["责任单位", ticket.organization.name], ["责任人", ticket.responsible_person],
        ["问题类别", ticket.category.name], ["问题来源", ticket.source or "—"],
        ["严重程度", str(ticket.get_severity_display())], ["问题描述", ticket.problem],
        ["整改措施", measures or "—"], ["整改时限", f"{ticket.deadline:%Y年%m月%d日}"],
        ["挂号督办", "是" if ticket.registered_supervision else "否"],
    ]
    table = Table([[Paragraph(k, cell), Paragraph(v if k == "整改措施" else esc(v), cell)] for k, v in rows],
                  colWidths=[30 * mm, 130 * mm])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "#444444"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("BACKGROUND", (0, 0), (0, -1), "#f2f2f2")]))
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, title=f"整改通知书 {ticket.number}", leftMargin=25 * mm,
                            rightMargin=25 * mm, topMargin=25 * mm, bottomMargin=25 * mm)
    filed = timezone.localtime(ticket.filed_at)
    doc.build([
        Paragraph("整改通知书", title), Spacer(1, 8 * mm),
        Paragraph(f"{esc(ticket.organization.name)}：", body), Spacer(1, 3 * mm),
        Paragraph("经检查，你单位存在以下问题，请按要求认真整改，并于整改时限前将整改情况报送检查组验收。", body),
        Spacer(1, 6 * mm), table, Spacer(1, 12 * mm),
        Paragraph(f"签发日期：{filed:%Y年%m月%d日}", body),
    ])
    return out.getvalue()


def notice_response(ticket) -> HttpResponse:
    response = HttpResponse(notice_pdf(ticket), content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(f'整改通知书-{ticket.number}.pdf')}"
    return response
