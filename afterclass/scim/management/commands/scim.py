"""`afterclass scim token create NAME | list | revoke PREFIX`: SCIM provisioning tokens.

`create` prints only the token on the last line of its output (the explanation goes to
stderr), so `TOKEN=$(afterclass scim token create "Entra ID")` works.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from afterclass.core.errors import AfterclassError
from afterclass.people.actions import hash_secret
from afterclass.scim.actions import do_create_provisioning_token, do_revoke_provisioning_token
from afterclass.scim.models import ProvisioningToken


class Command(BaseCommand):
    help = "Create, list or revoke the tokens identity providers use for SCIM provisioning."

    def add_arguments(self, parser: CommandParser) -> None:
        nouns = parser.add_subparsers(dest="noun", required=True, metavar="token")
        token = nouns.add_parser("token", help="Provisioning tokens.")
        commands = token.add_subparsers(dest="command", required=True, metavar="COMMAND")
        create = commands.add_parser(
            "create", help="Create a token and print it (shown only this once)."
        )
        create.add_argument("name", help="Which identity provider uses it, e.g. “Entra ID”.")
        commands.add_parser("list", help="List the tokens, newest first.")
        revoke = commands.add_parser("revoke", help="Revoke a token.")
        revoke.add_argument("prefix", help="The token's prefix as `list` shows it, or the token.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            match options["command"]:
                case "create":
                    self.create_token(options["name"])
                case "list":
                    self.list_tokens()
                case "revoke":
                    self.revoke_token(options["prefix"])
        except AfterclassError as error:
            raise CommandError(error.message) from error

    def create_token(self, name: str) -> None:
        token, raw = do_create_provisioning_token(name, actor=None)
        self.stderr.write(
            f"Created the provisioning token “{token.name}”. It is shown only now: paste it "
            "into your identity provider as the secret token, with the SCIM address "
            "<your site>/scim/v2.",
            style_func=self.style.SUCCESS,
        )
        self.stdout.write(raw)

    def list_tokens(self) -> None:
        tokens = list(ProvisioningToken.objects.all())
        if not tokens:
            self.stdout.write("There are no provisioning tokens.")
            return
        for token in tokens:
            if token.revoked_at:
                state = f"revoked {timezone.localtime(token.revoked_at):%Y-%m-%d %H:%M}"
            elif token.last_used_at:
                state = f"last used {timezone.localtime(token.last_used_at):%Y-%m-%d %H:%M}"
            else:
                state = "never used"
            created = timezone.localtime(token.created_at)
            self.stdout.write(f"{token.prefix}…  {token.name}  created {created:%Y-%m-%d}  {state}")

    def revoke_token(self, prefix: str) -> None:
        given = prefix.strip().rstrip("…")
        tokens = ProvisioningToken.objects.filter(revoked_at__isnull=True)
        matches = list(tokens.filter(prefix=given)) or list(
            tokens.filter(token_hash=hash_secret(given))
        )
        if len(matches) != 1:
            raise CommandError(
                f"No single active token starts with “{given}”: see `afterclass scim token list`."
            )
        token = do_revoke_provisioning_token(matches[0], actor=None)
        self.stdout.write(f"Revoked the provisioning token “{token.name}” ({token.prefix}…).")
