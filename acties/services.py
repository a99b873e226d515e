"""Workflows of progress reporting: a partner saves and submits a report, the coordinator
approves it or sends it back, the coordinator invites and deactivates partner accounts.

Views, admin actions and management commands call these; they do not repeat them. Each
workflow validates everything first and writes only when all is well: a refusal is a
``ValidationError`` with a Dutch message and nothing changed. E-mails go out after the
commit (``acties/emails.py``): a mail server that is down never undoes the work.

Periods (what they are, which are open for reporting): ``acties/perioden.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from functools import partial
from pathlib import PurePath
from typing import NamedTuple
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.formats import date_format
from django.utils.http import urlsafe_base64_encode
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from actoren.models import Actor, Gemeente
from cultuurregio import conflicts, roles
from cultuurregio.conflicts import EditConflict

from . import emails
from .indicators import parse_value
from .models import Actie, ActieActor, Bijlage, Indicator, Meting, Voortgangsrapport
from .perioden import Periode, check_period, period_bounds, period_param
from .uploads import check_upload

Fase = Voortgangsrapport.Fase
Status = Voortgangsrapport.Status

# More than this many files on one report is a mistake (or abuse), not a report.
MAX_BIJLAGEN = 10


def _audit(obj, user, reason: str) -> None:
    obj._history_user = user
    obj._change_reason = reason


# --- Municipalities of a period -------------------------------------------------------------


def gemeenten_for_period(periode: Periode, *, keep: Iterable[int] = ()) -> QuerySet[Gemeente]:
    """The municipalities a report of this period can name: those not merged away before
    the period starts (2021 names Gooik, 2025 Pajottegem), plus ``keep`` (ids already on the
    report). A queryset."""
    start, _end = period_bounds(periode)
    current = Gemeente.objects.huidig(op=start)
    keep = list(keep)
    if keep:
        return Gemeente.objects.filter(pk__in=current.values("pk")) | Gemeente.objects.filter(
            pk__in=keep
        )
    return current


# --- Links -----------------------------------------------------------------------------------


def report_url(actie, periode=None) -> str:
    """The absolute address (settings.SITE_URL) of the partner's form for an action, and
    for a period when given ((2021, 0), (2021, 1) or "2021-1"). An anonymous visitor is
    sent to the login page first and lands on the form after logging in."""
    actie_id = actie.pk if isinstance(actie, Actie) else int(actie)
    url = settings.SITE_URL + reverse("partner:rapport", args=[actie_id])
    if periode is not None:
        url += "?" + urlencode({"periode": period_param(periode)})
    return url


def invitation_url(user) -> str:
    """The absolute address where an invited partner sets a password. Valid for
    settings.PASSWORD_RESET_TIMEOUT seconds, and only until the password is set."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL + reverse("partner:uitnodiging", args=[uidb64, token])


# --- Validation of a report's content --------------------------------------------------------

_url_validator = URLValidator(schemes=["http", "https"])


def clean_links(text: str) -> str:
    """One http(s) address per line, blank lines dropped. Raises ValidationError naming
    every line that is not a web address."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    errors = []
    for line in lines:
        try:
            _url_validator(line)
        except ValidationError:
            errors.append(
                ValidationError(
                    _("“%(link)s” is not a web address (beginning with http:// or https://).")
                    % {"link": line[:200]},
                    code="link",
                )
            )
    if errors:
        raise ValidationError(errors)
    return "\n".join(lines)


def _whole_number(value, field: str, errors: dict) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors[field] = _("Give a whole number.")
        return None
    if number < 0:
        errors[field] = _("A number cannot be negative.")
    return number


def clean_report_data(data: dict) -> dict:
    """The report's own fields from ``data``, normalised; raises ValidationError with a
    Dutch message per field."""
    errors: dict[str, str | list] = {}
    status = data.get("status")
    if status not in Status.values:
        errors["status"] = _("Choose a status.")
    percentage = _whole_number(data.get("percentage"), "percentage", errors)
    if percentage is not None and "percentage" not in errors and percentage > 100:
        errors["percentage"] = _(
            "%(value)s%% is not possible: a percentage lies between 0 and 100."
        ) % {"value": percentage}
    activiteiten = _whole_number(data.get("aantal_activiteiten"), "aantal_activiteiten", errors)
    deelnemers = _whole_number(data.get("aantal_deelnemers"), "aantal_deelnemers", errors)
    try:
        links = clean_links(data.get("links") or "")
    except ValidationError as error:
        errors["links"] = error.error_list
        links = ""
    if errors:
        raise ValidationError(errors)
    return {
        "status": status,
        "percentage": percentage,
        "wat_gedaan": (data.get("wat_gedaan") or "").strip(),
        "aantal_activiteiten": activiteiten,
        "aantal_deelnemers": deelnemers,
        "links": links,
    }


def _duplicate_error() -> ValidationError:
    return ValidationError(
        _("There is already a report for this action and period."), code="duplicate"
    )


def not_editable_error(rapport: Voortgangsrapport) -> ValidationError:
    if rapport.fase == Fase.GOEDGEKEURD:
        message = _("This report was approved; it can no longer be changed.")
    else:
        message = _(
            "This report was submitted; it can no longer be changed while the coordinator "
            "reviews it."
        )
    return ValidationError(message, code="not_editable")


def closed_plan_error(closed_on) -> ValidationError:
    """The refusal of a report on an action of a plan closed at ``closed_on``."""
    return ValidationError(
        _("The plan of this action was closed on %(date)s: it receives no more reports.")
        % {"date": date_format(timezone.localtime(closed_on), "j F Y")},
        code="closed",
    )


def _period_taken(actie: Actie, periode: Periode, *, exclude_pk=None) -> bool:
    reports = Voortgangsrapport.objects.filter(actie=actie, jaar=periode[0], halfjaar=periode[1])
    if exclude_pk:
        reports = reports.exclude(pk=exclude_pk)
    return reports.exists()


def _may_report(actie: Actie, user) -> bool:
    return Actie.objects.bewerkbaar_door(user).filter(pk=actie.pk).exists()


def _actor_for(actie: Actie, user, chosen) -> Actor | None:
    """The organisation a new report is made for: the chosen one (it must be one of the
    user's, involved in the action), else the user's only organisation in the action, else
    none (the report is for the action as a whole)."""
    mine = [
        link.actor
        for link in ActieActor.objects.filter(actie=actie, actor__gebruikers=user)
        .select_related("actor")
        .distinct()
    ]
    if chosen is not None:
        chosen_id = chosen.pk if isinstance(chosen, Actor) else int(chosen)
        for actor in mine:
            if actor.pk == chosen_id:
                return actor
        raise ValidationError(
            _("You cannot report for that organisation on this action."), code="actor"
        )
    return mine[0] if len(mine) == 1 else None


def _ids(items) -> list[int]:
    return [item.pk if hasattr(item, "pk") else int(item) for item in items]


def _storage_name(original: str, extension: str) -> str:
    stem = get_valid_filename(PurePath(original or "bijlage").stem)[:80] or "bijlage"
    return f"{stem}.{extension}"


# --- Indicators in the report ---------------------------------------------------------------


class IndicatorRow(NamedTuple):
    """An indicator of an action as the report form shows it: this period's value (the
    report's, or one the coordinator entered) and the last value before this period."""

    indicator: Indicator
    huidige: Decimal | None
    vorige: Decimal | None


def indicator_rows(actie: Actie, periode) -> list[IndicatorRow]:
    """The indicators of ``actie`` with their values around ``periode``. Two queries,
    whatever the number of indicators and measurements."""
    indicatoren = list(Indicator.objects.filter(actie=actie).order_by("volgorde", "pk"))
    by_indicator: dict[int, list[Meting]] = {i.pk: [] for i in indicatoren}
    for meting in Meting.objects.filter(indicator__actie=actie).order_by("jaar", "halfjaar"):
        by_indicator[meting.indicator_id].append(meting)
    rows = []
    for indicator in indicatoren:
        now = earlier = None
        for meting in by_indicator[indicator.pk]:
            key = (meting.jaar, meting.halfjaar)
            if key == tuple(periode):
                now = meting.waarde
            elif key < tuple(periode):
                earlier = meting.waarde
        rows.append(IndicatorRow(indicator, now, earlier))
    return rows


def _clean_metingen(actie: Actie, raw: dict) -> dict[int, Decimal | None]:
    """The indicator values of a report: {indicator id: number or None}. Refused
    (ValidationError, Dutch): an indicator of another action, a value that is not a number
    or has another unit. One query when there are values."""
    if not raw:
        return {}
    indicatoren = {i.pk: i for i in Indicator.objects.filter(actie=actie, pk__in=list(raw))}
    errors, values = [], {}
    for pk, value in raw.items():
        indicator = indicatoren.get(int(pk))
        if indicator is None:
            errors.append(_("That indicator does not belong to this action."))
            continue
        try:
            values[indicator.pk] = parse_value(value, indicator.eenheid)
        except ValidationError as error:
            errors.extend(
                f"{indicator.naam}: {message}" for message in error.messages
            )
    if errors:
        raise ValidationError(errors, code="indicator")
    return values


def _save_metingen(rapport: Voortgangsrapport, values: dict, user) -> None:
    """Write the report's indicator values: one per indicator and period, linked to the
    report (it counts once the report is approved). A value cleared again is removed if
    this report gave it. Audited with the user. Queries: one, plus one per value."""
    existing = {
        m.indicator_id: m
        for m in Meting.objects.select_for_update().filter(
            indicator_id__in=list(values), jaar=rapport.jaar, halfjaar=rapport.halfjaar
        )
    }
    for indicator_id, value in values.items():
        meting = existing.get(indicator_id)
        if value is None:
            if meting is not None and meting.rapport_id == rapport.pk:
                _audit(meting, user, _("Cleared by the partner"))
                meting.delete()
            continue
        if meting is not None and meting.waarde == value and meting.rapport_id == rapport.pk:
            continue
        if meting is None:
            meting = Meting(indicator_id=indicator_id, jaar=rapport.jaar, halfjaar=rapport.halfjaar)
        meting.waarde = value
        meting.rapport = rapport
        meting.ingevoerd_door = user
        _audit(meting, user, _("Reported by the partner"))
        meting.save()


# --- The partner's report --------------------------------------------------------------------


def report_version(rapport: Voortgangsrapport | None) -> str:
    """The version of a report for its form (cultuurregio/conflicts.py): its latest change
    in the audit trail, "0" for a report that does not exist yet. One query."""
    return conflicts.version_token(Voortgangsrapport, rapport.pk if rapport else None)


@transaction.atomic
def save_report(
    *,
    actie: Actie,
    user,
    data: dict,
    gemeenten: Iterable = (),
    bijlagen: Iterable = (),
    rapport: Voortgangsrapport | None = None,
    submit: bool = False,
    versie: str | None = None,
) -> Voortgangsrapport:
    """Create or update a partner's report on ``actie`` and, with ``submit``, submit it.

    ``data`` holds the report's fields (status, percentage, wat_gedaan,
    aantal_activiteiten, aantal_deelnemers, links), for a new report its period (jaar,
    halfjaar), and optionally ``actor`` (the organisation it is made for),
    ``bijlagen_weg`` (ids of attachments to remove) and ``metingen`` ({indicator id:
    value}: the values of the action's indicators for the period, linked to the report).
    ``gemeenten``: the municipalities where it happened (instances or ids); ``bijlagen``:
    uploaded files, checked by content.

    Refused (ValidationError, Dutch, nothing saved): the user may not report on the action;
    the report is submitted or approved; a period outside the plan; a second report for the
    action and period (also when two arrive at once: the database constraint decides);
    bad fields, municipalities or files. A sent-back report saved as draft stays sent back
    (the partner keeps seeing the remark) until it is submitted again.

    ``versie``: the version of the report the form was opened on (``report_version``; "0"
    when there was no report yet). When someone else (another account of the partner)
    saved the report since, ``EditConflict`` is raised and nothing is saved: the form shows
    what changed instead of silently writing over it. None: not checked.
    """
    if not _may_report(actie, user):
        raise ValidationError(_("You may not report on this action."), code="forbidden")
    plan = actie.doelstelling.plan
    # A closed plan receives no reports (beleidsplan.succession.close_plan); its reports
    # stay readable. Read from the database (one query), not from the caller's instance,
    # which may have been loaded before the plan was closed.
    closed_on = type(plan).objects.filter(pk=plan.pk).values_list("afgesloten_op", flat=True)[0]
    if closed_on is not None:
        raise closed_plan_error(closed_on)
    if rapport is not None:
        # Lock the row: a coordinator's review and the partner's edit do not interleave.
        rapport = Voortgangsrapport.objects.select_for_update().get(pk=rapport.pk)
        if rapport.actie_id != actie.pk:
            raise ValidationError(_("This report belongs to another action."), code="actie")
        if not rapport.bewerkbaar:
            raise not_editable_error(rapport)
        current = report_version(rapport) if versie is not None else None
        if current is not None and versie != current:
            raise EditConflict(current)
        periode = (rapport.jaar, rapport.halfjaar)
        asked = [data.get("jaar"), data.get("halfjaar")]
        try:
            changed = any(
                value is not None and int(value) != current
                for value, current in zip(asked, periode, strict=True)
            )
        except (TypeError, ValueError):
            changed = True
        if changed:
            raise ValidationError(_("The period of a report cannot be changed."), code="period")
    else:
        try:
            periode = (int(data["jaar"]), int(data.get("halfjaar") or 0))
        except (KeyError, TypeError, ValueError):
            raise ValidationError(_("Choose the period of the report."), code="period") from None
        check_period(plan, periode)
        if _period_taken(actie, periode):
            raise _duplicate_error()

    fields = clean_report_data(data)
    metingen = _clean_metingen(actie, data.get("metingen") or {})

    existing_places = set(rapport.gemeenten.values_list("pk", flat=True)) if rapport else set()
    wanted = set(_ids(gemeenten))
    allowed = set(gemeenten_for_period(periode, keep=existing_places).values_list("pk", flat=True))
    if wanted - allowed:
        raise ValidationError(
            {"gemeenten": _("Choose municipalities from the list of this period.")}
        )

    remove_ids = set(_ids(data.get("bijlagen_weg") or ()))
    remove = []
    if remove_ids:
        remove = list(rapport.bijlagen.filter(pk__in=remove_ids)) if rapport else []
        if len(remove) != len(remove_ids):
            raise ValidationError({"bijlagen": _("That attachment is not on this report.")})
    uploads = [upload for upload in bijlagen if upload]
    kinds, file_errors = [], []
    for upload in uploads:
        try:
            kinds.append(check_upload(upload))
        except ValidationError as error:
            file_errors.extend(error.error_list)
    if file_errors:
        raise ValidationError({"bijlagen": file_errors})
    kept = (rapport.bijlagen.count() if rapport else 0) - len(remove)
    if kept + len(uploads) > MAX_BIJLAGEN:
        raise ValidationError(
            {
                "bijlagen": _("A report can have at most %(max)s attachments.")
                % {"max": MAX_BIJLAGEN}
            }
        )
    actor = _actor_for(actie, user, data.get("actor")) if rapport is None else rapport.actor

    # Everything checked: write.
    if rapport is None:
        rapport = Voortgangsrapport(
            actie=actie,
            jaar=periode[0],
            halfjaar=periode[1],
            actor=actor,
            aangemaakt_door=user,
        )
    for name, value in fields.items():
        setattr(rapport, name, value)
    if submit:
        rapport.fase = Fase.INGEDIEND
        rapport.ingediend_op = timezone.now()
        # A resubmitted report waits for a new review.
        rapport.beoordeeld_op = None
        rapport.beoordeeld_door = None
        reason = _("Submitted by the partner")
    else:
        if rapport.fase != Fase.TERUGGESTUURD:
            rapport.fase = Fase.CONCEPT
        reason = _("Saved as draft by the partner")
    _audit(rapport, user, reason)
    try:
        with transaction.atomic():
            rapport.save()
    except IntegrityError:
        # Two first reports for one period at the same moment: the constraint refused ours.
        if _period_taken(actie, periode, exclude_pk=rapport.pk):
            raise _duplicate_error() from None
        raise
    rapport.gemeenten.set(sorted(wanted))
    _save_metingen(rapport, metingen, user)

    for bijlage in remove:
        # The file goes only when the removal is committed.
        transaction.on_commit(partial(bijlage.bestand.storage.delete, bijlage.bestand.name))
        bijlage.delete()
    written = []
    try:
        for upload, kind in zip(uploads, kinds, strict=True):
            name = _storage_name(upload.name, kind.extension)
            bijlage = Bijlage(
                rapport=rapport, naam=name[:200], soort=kind.mime, grootte=upload.size
            )
            bijlage.bestand.save(name, upload, save=False)
            written.append(bijlage.bestand)
            bijlage.save()
    except Exception:
        for stored in written:
            stored.delete(save=False)
        raise
    return rapport


@transaction.atomic
def withdraw_report(*, rapport: Voortgangsrapport, user) -> Voortgangsrapport:
    """The partner takes a submitted report back to draft, as long as the coordinator has not
    reviewed it. Refused (ValidationError, Dutch) otherwise."""
    rapport = (
        Voortgangsrapport.objects.select_for_update(of=("self",))
        .select_related("actie")
        .get(pk=rapport.pk)
    )
    if not _may_report(rapport.actie, user):
        raise ValidationError(_("You may not report on this action."), code="forbidden")
    if rapport.fase != Fase.INGEDIEND:
        raise ValidationError(
            _("Only a submitted report that was not reviewed yet can be taken back."),
            code="not_submitted",
        )
    rapport.fase = Fase.CONCEPT
    rapport.ingediend_op = None
    _audit(rapport, user, _("Taken back to draft by the partner"))
    rapport.save()
    return rapport


# --- The coordinator's review ----------------------------------------------------------------


def _require_coordinator(user) -> None:
    if user is None or not (
        roles.is_coordinator(user)
        or (user.is_active and user.is_staff and user.has_perm("acties.change_voortgangsrapport"))
    ):
        raise ValidationError(_("Only a coordinator can do this."), code="forbidden")


def _lock_submitted(rapport: Voortgangsrapport) -> Voortgangsrapport:
    locked = (
        Voortgangsrapport.objects.select_for_update(of=("self",))
        .select_related("actie__doelstelling", "actor")
        .get(pk=rapport.pk)
    )
    if locked.fase != Fase.INGEDIEND:
        raise ValidationError(
            _("Only a submitted report can be approved or sent back; this report is %(stage)s.")
            % {"stage": locked.get_fase_display()},
            code="not_submitted",
        )
    return locked


@transaction.atomic
def approve_report(*, rapport: Voortgangsrapport, user) -> Voortgangsrapport:
    """Approve a submitted report (coordinator). It then counts for the action's progress.
    E-mails the partner accounts of the report's organisation (of all the action's
    organisations when the report names none). Returns the saved report (a fresh instance).
    """
    _require_coordinator(user)
    rapport = _lock_submitted(rapport)
    rapport.fase = Fase.GOEDGEKEURD
    rapport.beoordeeld_op = timezone.now()
    rapport.beoordeeld_door = user
    _audit(rapport, user, _("Approved by the coordinator"))
    rapport.save()
    emails.send_review_result(
        rapport=rapport,
        approved=True,
        form_url=report_url(rapport.actie, (rapport.jaar, rapport.halfjaar)),
    )
    return rapport


@transaction.atomic
def send_back_report(*, rapport: Voortgangsrapport, user, opmerking: str) -> Voortgangsrapport:
    """Send a submitted report back to the partner with a remark (coordinator). The partner
    can change it again, sees the remark on the form, and gets an e-mail with the remark and
    a link to the form. Returns the saved report (a fresh instance)."""
    _require_coordinator(user)
    opmerking = (opmerking or "").strip()
    if not opmerking:
        raise ValidationError(
            {"opmerking": _("Say why the report goes back: the partner sees your remark.")}
        )
    rapport = _lock_submitted(rapport)
    rapport.fase = Fase.TERUGGESTUURD
    rapport.opmerking = opmerking
    rapport.beoordeeld_op = timezone.now()
    rapport.beoordeeld_door = user
    _audit(rapport, user, _("Sent back by the coordinator"))
    rapport.save()
    emails.send_review_result(
        rapport=rapport,
        approved=False,
        form_url=report_url(rapport.actie, (rapport.jaar, rapport.halfjaar)),
    )
    return rapport


# --- Partner accounts ------------------------------------------------------------------------


def _free_username(email: str) -> str:
    User = get_user_model()
    base = email[:140]
    name, n = base, 1
    while User.objects.filter(username__iexact=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


@transaction.atomic
def invite_partner(*, email: str, naam: str, actoren: Iterable[Actor], invited_by):
    """Invite a person as partner of ``actoren``: an account (a new one, or their earlier
    one when it was deactivated or never used) in the group Partners, linked to the
    organisations, without a usable password, and an e-mail with a link to set one (valid
    settings.PASSWORD_RESET_TIMEOUT; a new invitation makes earlier links invalid).
    ``invited_by``: the coordinator, or None from a management command. Returns the user.
    Refused (ValidationError, Dutch): a bad e-mail address, no organisation, an account
    with that address that is in use."""
    User = get_user_model()
    email = User.objects.normalize_email((email or "").strip())
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            {"email": _("“%(email)s” is not a valid e-mail address.") % {"email": email}}
        ) from None
    actoren = list(actoren)
    if not actoren:
        raise ValidationError({"actoren": _("Choose at least one organisation.")})
    if invited_by is not None:
        _require_coordinator(invited_by)
    existing = list(User.objects.filter(email__iexact=email).order_by("pk"))
    for user in existing:
        if user.is_staff or user.is_superuser:
            raise ValidationError(
                {
                    "email": _("%(email)s belongs to a staff account, not a partner account.")
                    % {"email": email}
                }
            )
        if user.is_active and (user.has_usable_password() or user.last_login):
            raise ValidationError(
                {
                    "email": _(
                        "There is already an account in use for %(email)s. Link it to the "
                        "organisation in the admin."
                    )
                    % {"email": email}
                }
            )
    user = existing[0] if existing else User(username=_free_username(email), email=email)
    if naam and naam.strip():
        first, _sep, last = naam.strip().partition(" ")
        user.first_name, user.last_name = first[:150], last.strip()[:150]
    user.is_active = True
    # Also makes any earlier invitation link invalid (the token covers the password hash).
    user.set_unusable_password()
    user.save()
    roles.ensure_groups()
    user.groups.add(Group.objects.get(name=roles.PARTNERS))
    for actor in actoren:
        actor.gebruikers.add(user)
    emails.send_invitation(
        user=user, link=invitation_url(user), actoren=actoren, invited_by=invited_by
    )
    return user


@transaction.atomic
def deactivate_partner(*, user, by):
    """Deactivate a partner account: it can no longer log in (open sessions end), reports
    nothing and receives no e-mail; pending invitation links stop working. Its organisations
    and reports stay. ``by``: the coordinator, or None from a management command. A new
    invitation activates it again."""
    if by is not None:
        _require_coordinator(by)
    if user.is_staff or user.is_superuser:
        raise ValidationError(
            _("%(user)s is not a partner account.") % {"user": user.get_username()}
        )
    user.is_active = False
    user.set_unusable_password()
    user.save()
    return user
