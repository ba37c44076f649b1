from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


class LoginForm(AuthenticationForm):
    """Django's login form, with the length of the user name checked.

    Django gives the field its ``max_length`` only after building it, so no validator checks
    it: a longer name reached ``authenticate`` and the failed attempt django-axes records, whose
    user name column it does not fit (a server error on PostgreSQL).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))
