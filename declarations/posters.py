"""QR posters of declaration points: an A5 page to print, and the QR as PNG or SVG.

The owning apps (vehicles, checkpoints, facilities) check access, then call these.
"""

import io
import re

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from declarations.models import DeclarationPoint
from declarations.normalize import fold_name
from declarations.qr import qr_svg
from declarations.services import point_replace_token

CACHE_SECONDS = 24 * 3600


def point_link(request, point: DeclarationPoint) -> str:
    return request.build_absolute_uri(point.public_path)


def poster_page(request, point: DeclarationPoint, *, back_url: str = ""):
    """The printable A5 poster: instructions in large type, a big QR, the short link."""
    link = point_link(request, point)
    qr = qr_svg(link, label=_("QR code of the declaration form"))
    context = {"point": point, "link": link, "qr": qr, "back_url": back_url}
    return render(request, "declarations/poster.html", context)


def qr_png_response(request, point: DeclarationPoint) -> HttpResponse:
    link = point_link(request, point)
    key = f"qr-png:{link}"
    data = cache.get(key)
    if data is None:
        image = qrcode.make(link, error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=20)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        data = buffer.getvalue()
        cache.set(key, data, CACHE_SECONDS)
    return _download(data, "image/png", qr_filename(point, "png"))


def qr_svg_response(request, point: DeclarationPoint) -> HttpResponse:
    link = point_link(request, point)
    key = f"qr-svg:{link}"
    data = cache.get(key)
    if data is None:
        image = qrcode.make(link, image_factory=qrcode.image.svg.SvgPathImage, box_size=20)
        data = image.to_string(encoding="unicode")
        cache.set(key, data, CACHE_SECONDS)
    return _download(data, "image/svg+xml", qr_filename(point, "svg"))


def qr_filename(point: DeclarationPoint, extension: str) -> str:
    """A QR file named by what it is for, as people file it: ``qr-25B-012.34.png`` for a
    vehicle, ``qr-chot-km-15-ql4d.png`` for a checkpoint or a facility: ASCII letters, digits,
    dots and dashes only, safe in every file system and in the download header."""
    name = point.vehicle_plate or fold_name(point.name)
    safe = re.sub(r"[^A-Za-z0-9.]+", "-", name).strip("-.")
    return f"qr-{safe or point.pk}.{extension}"


def qr_response(request, point: DeclarationPoint, kind: str) -> HttpResponse:
    """The point's QR as ``qr.png`` or ``qr.svg``; 404 for any other name."""
    responses = {"png": qr_png_response, "svg": qr_svg_response}
    if kind not in responses:
        raise Http404
    return responses[kind](request, point)


def qr_replaced(request, point: DeclarationPoint) -> None:
    """Give the point a new QR (``point_replace_token``) and tell the user to print it."""
    point_replace_token(point=point)
    messages.success(
        request, _("New QR code made: print the new poster; the old one no longer works.")
    )


def _download(data, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=3600"
    return response


def admin_poster_cell(place, links) -> str:
    """The admin's cell for a place's QR (a checkpoint's, a facility's): links to its pages
    (``links(place)``: address, label), then the public address its QR opens. A place being
    added has no QR yet."""
    if place.point_id is None:
        return _("Made when the place is saved.")
    pages = format_html_join(" · ", '<a href="{}">{}</a>', links(place))
    return format_html("{} · <code>{}</code>", pages, place.point.public_path)
