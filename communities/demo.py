"""Demo data of the communities app: every demo community's neighbourhood committee has an account,
`<code>-jwh` (e.g. cs01-jwh) with the demo password, as its administrator."""

from django.contrib.auth import get_user_model

from members.demo import _user
from members.models import Community

from .models import CommunityAccount


def seed(stdout=None):
    User = get_user_model()
    communities = list(Community.objects.all())
    for community in communities:
        username = f"{community.code.lower()}-jwh"
        user = _user(User, username, f"{community.name}居委会", f"{username}@changshou.demo")
        CommunityAccount.objects.update_or_create(
            user=user, defaults={"community": community, "role": CommunityAccount.Role.ADMIN}
        )
    if stdout:
        stdout.write(f"communities: {len(communities)} neighbourhood committee accounts (e.g. cs01-jwh)")
