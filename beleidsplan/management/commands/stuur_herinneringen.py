"""E-mail each partner the actions of their organisations that still lack a report for the
period reports are asked for now: one e-mail per person, each action with a direct link to
its form. That is the current period, except during the grace window after a period ended
(the plan's ``rapportering_marge_maanden``, January-March by default): then the period that
ended, which partners are writing up (acties/perioden.py ``reporting_period``).

    python manage.py stuur_herinneringen [--plan ID] [--dry-run] [--datum 2025-01-15]

Run from cron, e.g. monthly in the weeks before a period's deadline. An action lacks a
report when it runs in the period's year and has no submitted or approved report for the
period (a draft or a sent-back report still lacks one; see acties.progress.due_actions).
Who gets the e-mail: every active account with an e-mail address linked to an
organisation (Actor.gebruikers) involved in the action, as trekker or partner.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from acties.models import ActieActor, Voortgangsrapport
from acties.perioden import period_label, reporting_period
from acties.progress import due_actions
from acties.services import report_url
from actoren.models import Actor
from beleidsplan.models import Beleidsplan
from cultuurregio.outbox.mail import deliver


@dataclass
class Due:
    actie: object
    plan: Beleidsplan
    period: tuple[int, int]
    organisations: list[str] = field(default_factory=list)
    rapport: Voortgangsrapport | None = None


class Command(BaseCommand):
    help = (
        "E-mail each partner the actions of their organisations that lack a report for "
        "the current period, with a direct link to each form."
    )

    def add_arguments(self, parser):
        parser.add_argument("--plan", type=int, help="Only this plan (its id).")
        parser.add_argument(
            "--dry-run", action="store_true",
            help="Show who would get which reminders; send nothing.",
        )
        parser.add_argument(
            "--datum", type=date.fromisoformat,
            help="Pretend today is this date (YYYY-MM-DD): it decides the period.",
        )

    def handle(self, *args, plan=None, dry_run=False, datum=None, **options):
        self.verbosity = options.get("verbosity", 1)
        with translation.override(settings.LANGUAGE_CODE):
            self._handle(plan_id=plan, dry_run=dry_run, today=datum or timezone.localdate())

    def _handle(self, *, plan_id, dry_run, today):
        # A closed plan receives no reports (beleidsplan/succession.py): no reminders.
        plans = Beleidsplan.objects.filter(afgesloten_op__isnull=True).order_by("van_jaar", "pk")
        if plan_id is not None:
            plans = plans.filter(pk=plan_id)
            if not plans.exists():
                raise CommandError(_("There is no plan with id %(id)s.") % {"id": plan_id})
        else:
            # Plans whose period has started and not long ended.
            plans = plans.filter(van_jaar__lte=today.year, tot_jaar__gte=today.year - 1)

        per_user: dict[int, list[Due]] = {}
        users: dict[int, object] = {}
        for plan in plans:
            period = reporting_period(plan, today=today)
            jaar, halfjaar = period
            due = {}
            links = (
                ActieActor.objects.filter(actie__in=due_actions(plan, jaar, halfjaar))
                .select_related("actie__doelstelling", "actor")
                .order_by("actie__doelstelling__tree_id", "actie__doelstelling__lft",
                          "actie__volgorde", "actie_id", "actor__naam")
            )
            by_actor: dict[int, list[Due]] = {}
            for link in links:
                entry = due.setdefault(link.actie_id, Due(actie=link.actie, plan=plan,
                                                           period=period))
                entry.organisations.append(link.actor.naam)
                by_actor.setdefault(link.actor_id, []).append(entry)
            if not due:
                self.stdout.write(
                    _("%(plan)s, %(period)s: every action has been reported.")
                    % {"plan": plan, "period": period_label(period)}
                )
                continue
            for rapport in Voortgangsrapport.objects.filter(
                actie_id__in=list(due), jaar=jaar, halfjaar=halfjaar
            ).only("id", "actie_id", "fase", "opmerking"):
                due[rapport.actie_id].rapport = rapport
            accounts = Actor.gebruikers.through.objects.filter(
                actor_id__in=list(by_actor), user__is_active=True
            ).exclude(user__email="").select_related("user")
            for account in accounts:
                users[account.user_id] = account.user
                mine = per_user.setdefault(account.user_id, [])
                for entry in by_actor[account.actor_id]:
                    if all(other is not entry for other in mine):
                        mine.append(entry)
            self.stdout.write(
                _("%(plan)s, %(period)s: %(count)s actions lack a report.")
                % {"plan": plan, "period": period_label(period), "count": len(due)}
            )

        messages = []
        for user_id, entries in per_user.items():
            user = users[user_id]
            messages.append(self._message(user, entries, report_url))
            if dry_run or self.verbosity > 1:
                self.stdout.write(
                    f"  {user.email}: " + ", ".join(
                        f"{e.actie.doelstelling.code} #{e.actie.pk}" for e in entries
                    )
                )
        if dry_run:
            self.stdout.write(
                _("Dry run: %(count)s reminders would be sent; nothing was sent.")
                % {"count": len(messages)}
            )
            return
        # One by one: an address the server refuses is kept to send again
        # (cultuurregio.outbox), and the others still go out.
        sent = deliver(messages)
        self.stdout.write(
            self.style.SUCCESS(
                _("%(sent)s reminders sent, for %(actions)s actions.")
                % {
                    "sent": sent or 0,
                    "actions": len({
                        (e.plan.pk, e.actie.pk) for entries in per_user.values() for e in entries
                    }),
                }
            )
        )

    def _message(self, user, entries: list[Due], report_url) -> EmailMessage:
        name = user.get_full_name() or user.get_username()
        lines = [
            _("Dear %(name)s,") % {"name": name},
            "",
            _(
                "The actions below, which your organisation works on, still lack a progress "
                "report. Reporting takes a few minutes: follow the link, log in, and you "
                "land on the form."
            ),
            "",
        ]
        for entry in entries:
            actie = entry.actie
            text = actie.omschrijving if len(actie.omschrijving) <= 120 else (
                actie.omschrijving[:119] + "…"
            )
            lines.append(f"* {actie.doelstelling.code}: {text}")
            lines.append(
                "  " + _("Period: %(period)s · for %(organisations)s") % {
                    "period": period_label(entry.period),
                    "organisations": ", ".join(entry.organisations),
                }
            )
            if entry.rapport is not None and entry.rapport.fase == Voortgangsrapport.Fase.CONCEPT:
                lines.append("  " + _("A draft has been saved; it has not been submitted yet."))
            elif (
                entry.rapport is not None
                and entry.rapport.fase == Voortgangsrapport.Fase.TERUGGESTUURD
            ):
                lines.append(
                    "  " + _("The coordinator sent it back: %(remark)s")
                    % {"remark": entry.rapport.opmerking}
                )
            lines.append("  " + _("Report here: %(url)s") % {
                "url": report_url(actie, entry.period)
            })
            lines.append("")
        lines += [
            _("Thank you! Questions? Reply to this e-mail."),
            "",
            _("The coordinator of the cultuurregio"),
        ]
        return EmailMessage(
            subject=ngettext(
                "Reminder: an action awaits your progress report",
                "Reminder: %(count)s actions await your progress report",
                len(entries),
            ) % {"count": len(entries)},
            body="\n".join(lines),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[user.email],
        )
