"""Named system actors: what acts without a person signed in (the command line), recorded
in the audit like a user. They cannot sign in (no usable password, no staff access)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from accounts.models import Role

COMMAND_LINE = "system-command-line"


def system_actor(username: str = COMMAND_LINE, *, name: str = "命令行") -> object:
    """The system user `username`, created on first use. Two first uses at once (two
    imports started together) both get the one user: the loser of the insert reads it."""
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    user = User(username=username, first_name=name, role=Role.SYSTEM, is_staff=False)
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        return User.objects.get(username=username)
    return user
