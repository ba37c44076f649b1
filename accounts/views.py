from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse_lazy

from accounts.forms import LoginForm
from accounts.menu import menu_for, start_url
from accounts.roles import roles_of


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return start_url(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        minutes = settings.SESSION_COOKIE_AGE // 60
        return context | {"session_minutes": minutes, "from_code_qr": _is_person_page(context)}


def _is_person_page(context) -> bool:
    """Whether the login asked for is that of a person's page (``/c/<code>/``): the link in the
    QR of every success page. A citizen who scans their own QR lands here, and is told that the
    page is for staff and where their own declaration is, not that a form was not saved."""
    try:
        match = resolve(context.get("next") or "")
    except Resolver404:
        return False
    return match.view_name == "checkpoints:person"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:home")

    def form_valid(self, form):
        from django.contrib import messages
        from django.utils.translation import gettext as _

        messages.success(self.request, _("Your password was changed."))
        return super().form_valid(form)


@login_required
def home(request):
    """The staff start page: the user's roles and their menu."""
    if start_url(request.user) != request.path:
        return redirect(start_url(request.user))
    context = {"roles": sorted(roles_of(request.user)), "menu": menu_for(request.user)}
    return render(request, "accounts/home.html", context)
