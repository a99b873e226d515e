"""The three kinds of users, as auth groups, and what each may do.

Groups are created (and the coordinators' permissions granted) after every ``migrate``, so a
fresh install and production have them without a manual step.
"""

from django.contrib.auth.models import Group, Permission

COORDINATOREN = "Coördinatoren"
STUURGROEP = "Stuurgroep"
PARTNERS = "Partners"

# The coordinator manages everything of the plan in the admin, sends unsent e-mails again
# (outbox) and unlocks accounts locked after failed logins (axes).
COORDINATOR_APPS = ("beleidsplan", "acties", "actoren", "outbox", "axes")


def ensure_groups() -> None:
    coordinators, _ = Group.objects.get_or_create(name=COORDINATOREN)
    Group.objects.get_or_create(name=STUURGROEP)
    Group.objects.get_or_create(name=PARTNERS)
    perms = Permission.objects.filter(content_type__app_label__in=COORDINATOR_APPS)
    coordinators.permissions.add(*perms)


def is_coordinator(user) -> bool:
    """True for an active staff member of the coordinators' group (or a superuser).

    Uses the user's group names; one query unless the user's groups were prefetched.
    """
    if not (user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name=COORDINATOREN).exists()


def can_see_working_state(user) -> bool:
    """Steering group members and coordinators (logged in) read the working state, drafts
    and open proposals; partners and anonymous visitors never do. One query at most."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    # Asked several times per request (access check, menu, cache key): remember it on the
    # user object, which lives as long as the request.
    if not hasattr(user, "_can_see_working_state"):
        user._can_see_working_state = user.groups.filter(
            name__in=[COORDINATOREN, STUURGROEP]
        ).exists()
    return user._can_see_working_state
