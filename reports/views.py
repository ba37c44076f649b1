from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.audit import audit
from accounts.models import AuditAction
from declarations.places import served_province_name
from reports import charts
from reports.counts import Report, report_kept
from reports.forms import ReportForm
from reports.models import Measure
from truyvet.db_router import reads_from_replica
from truyvet.exports import csv_response, xlsx_response

DOWNLOADS = {"xlsx": xlsx_response, "csv": csv_response}

report_required = permission_required("reports.view_report", raise_exception=True)


@login_required
@report_required
@reads_from_replica
def report(request):
    """The leaders' daily report: aggregates only, read from the stored counts."""
    form = ReportForm(request.GET)
    start, end = form.period()
    built = report_kept(start=start, end=end)
    download = DOWNLOADS.get(request.GET.get("format", ""))
    if download is not None and form.is_valid():
        audit(request, AuditAction.EXPORT, subject="report", start=start, end=end)
        headers, rows = report_table(built)
        filename = f"bao-cao-{start:%Y%m%d}-{end:%Y%m%d}.{request.GET['format']}"
        return download(filename, headers, rows)
    context = {
        "form": form,
        "title": report_title(),
        "place": charts.short_name(served_province_name()),
        "report": built,
        "query": request.GET.urlencode() if form.is_valid() else "",
        # The tables and charts are rendered once per language and content, and kept in the
        # shared cache (the counts change every few minutes; five workers would each draw them
        # again): the charts are drawn only when they are rendered.
        "report_digest": built.digest(),
        "trend": lambda: charts.trend_line(
            built.column(built.days, Measure.DECLARATIONS), title=_("Declarations per day")
        ),
        "bars": lambda: charts.bars(
            built.column(built.districts, Measure.DECLARATIONS), title=_("Declarations by district")
        ),
    }
    return render(request, "reports/report.html", context)


def report_table(report: Report) -> tuple[list[str], list[list]]:
    """The page's tables one under the other, for a spreadsheet: the same rows and figures."""
    measures = [str(measure.label) for measure in report.measures]
    period = f"{report.start:%d/%m/%Y} – {report.end:%d/%m/%Y}"
    rows: list[list] = [[_("Period"), period], []]  # the headers hold the title
    rows += [[_("By district"), *measures]]
    rows += [[row.label, *row.values] for row in [*report.districts, report.total]]
    rows += [[], [_("By day"), *measures]]
    rows += [[row.label, *row.values] for row in report.days]
    rows += [[], [_("Passages by checkpoint"), _("Entering"), _("Leaving")]]
    rows += [[row.label, *row.values] for row in [*report.checkpoints, report.checkpoint_total]]
    return [report_title(), served_province_name()], rows


def report_title() -> str:
    return _("REPORT ON HEALTH DECLARATIONS AND CONTACT TRACING")
