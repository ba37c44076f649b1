"""Admins of what QR posters or staff scopes depend on: their delete confirmations say what
else a delete does (``accounts/templatetags/delete_warnings.py``)."""


class WarnsOnDelete:
    """Mix into the ``ModelAdmin`` of vehicles, checkpoints, health facilities, bus companies."""

    delete_confirmation_template = "admin/delete_confirmation_warned.html"
    delete_selected_confirmation_template = "admin/delete_selected_confirmation_warned.html"
