"""Password reset links (ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR): its own module, as allauth
builds its generator while its forms module is still loading."""

from allauth.account.models import EmailAddress
from django.contrib.auth.tokens import PasswordResetTokenGenerator


class ResetTokens(PasswordResetTokenGenerator):
    """allauth's reset tokens (bound to the account's addresses) without recording the address
    asked for: allauth's own generator adds an unconfirmed EmailAddress row for an account that
    had none, so an anonymous reset request could turn an account into one awaiting
    confirmation."""

    def _make_hash_value(self, user, timestamp):
        emails = {user.email.lower()} if user.email else set()
        emails.update(EmailAddress.objects.filter(user_id=user.pk).values_list("email", flat=True))
        return super()._make_hash_value(user, timestamp) + "|".join(sorted(emails))
