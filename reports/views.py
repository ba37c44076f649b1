from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.audit import audit
from accounts.models import AuditAction
from declarations.normalize import fold_name
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
    """The leaders' daily report, of the whole province or of one district: aggregates only,
    read from the stored counts. Whoever may read it sees the whole province (leaders and
    administrators), so any district of it may be chosen."""
    form = ReportForm(request.GET)
    start, end = form.period()
    built = report_kept(start=start, end=end, district=form.chosen_district())
    download = DOWNLOADS.get(request.GET.get("format", ""))
    if download is not None and form.is_valid():
        place = {"district": built.district_name} if built.district else {}
        subject = "report_district" if place else "report"
        audit(request, AuditAction.EXPORT, subject=subject, start=start, end=end, **place)
        headers, rows = report_table(built)
        return download(f"{report_filename(built)}.{request.GET['format']}", headers, rows)
    context = {
        "form": form,
        "title": report_title(),
        "place": charts.short_name(served_province_name()),
        "place_name": report_place(built),
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
            built.column(built.districts, Measure.DECLARATIONS),
            title=_("Declarations by district"),
            chosen=built.district_name,
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
    # The district's own tables say so: the table by district above them is the province's.
    of = f" ({report.district_name})" if report.district else ""
    rows += [[], [_("By day") + of, *measures]]
    rows += [[row.label, *row.values] for row in [*report.days, report.day_total]]
    rows += [[], [_("Passages by checkpoint") + of, _("Entering"), _("Leaving")]]
    rows += [[row.label, *row.values] for row in [*report.checkpoints, report.checkpoint_total]]
    return [report_title(), report_place(report)], rows


def report_title() -> str:
    return _("REPORT ON HEALTH DECLARATIONS AND CONTACT TRACING")


def report_place(report: Report) -> str:
    """Whose report it is: "Tỉnh Lai Châu", or "Huyện Tam Đường, Tỉnh Lai Châu"."""
    if report.district:
        return f"{report.district_name}, {served_province_name()}"
    return served_province_name()


def report_filename(report: Report) -> str:
    """``bao-cao-20210608-20210610``, or ``bao-cao-tam-duong-20210608-20210610`` for a
    district: a file saved or printed says whose figures it holds."""
    place = slugify(fold_name(charts.short_name(report.district_name))) if report.district else ""
    return "-".join(
        filter(None, ["bao-cao", place, f"{report.start:%Y%m%d}", f"{report.end:%Y%m%d}"])
    )
