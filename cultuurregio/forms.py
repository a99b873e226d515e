"""Forms of the accounts pages that differ from Django's own."""

from __future__ import annotations

from django.contrib.auth import forms as auth_forms
from django.core.mail import EmailMultiAlternatives
from django.template import loader

from .outbox.mail import send_after_commit


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form; the e-mail goes through the outbox, so a mail server that is
    down answers the visitor the same page (nothing is revealed) and the message is kept
    for the coordinator to send again."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        message = EmailMultiAlternatives(subject, body, from_email, [to_email])
        if html_email_template_name is not None:
            message.attach_alternative(
                loader.render_to_string(html_email_template_name, context), "text/html"
            )
        send_after_commit([message])
