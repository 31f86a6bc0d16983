"""`afterclass token`: create, list and revoke a person's personal access tokens for the API.

`afterclass token create <email>` prints only the token on the last line of its output (the
explanation goes to stderr), so `TOKEN=$(afterclass token create me@example.org)` works.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from afterclass.core.errors import AfterclassError
from afterclass.people.actions import (
    do_create_access_token,
    do_revoke_access_token,
    hash_secret,
)
from afterclass.people.models import AccessToken, Person

DEFAULT_NAME = "Command line"


class Command(BaseCommand):
    help = "Create, list or revoke a person's personal access tokens for the API."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
        create = commands.add_parser(
            "create", help="Create a token for a person and print it (shown only this once)."
        )
        create.add_argument("email", help="The person's e-mail address.")
        create.add_argument(
            "--name",
            default=DEFAULT_NAME,
            help=f"What the token is for, as shown on the profile page (default: {DEFAULT_NAME}).",
        )
        listing = commands.add_parser("list", help="List a person's tokens, newest first.")
        listing.add_argument("email", help="The person's e-mail address.")
        revoke = commands.add_parser("revoke", help="Revoke one of a person's tokens.")
        revoke.add_argument("email", help="The person's e-mail address.")
        revoke.add_argument("prefix", help="The token's prefix as `list` shows it, or the token.")

    def handle(self, *args: Any, **options: Any) -> None:
        person = self.find_person(options["email"])
        try:
            match options["command"]:
                case "create":
                    self.create_token(person, options["name"])
                case "list":
                    self.list_tokens(person)
                case "revoke":
                    self.revoke_token(person, options["prefix"])
        except AfterclassError as error:
            raise CommandError(error.message) from error

    def find_person(self, email: str) -> Person:
        address = email.strip().lower()
        person = Person.objects.filter(email=address).first()
        if person is None:
            raise CommandError(
                f"There is no person with the e-mail address “{email}”. "
                "Check the spelling, or invite them first."
            )
        return person

    def create_token(self, person: Person, name: str) -> None:
        token, raw = do_create_access_token(person, name, actor=person)
        self.stderr.write(
            f"Created the token “{token.name}” for {person.email}. "
            "It is shown only now: store it somewhere safe.",
            style_func=self.style.SUCCESS,
        )
        self.stdout.write(raw)

    def list_tokens(self, person: Person) -> None:
        tokens = list(AccessToken.objects.filter(person=person).order_by("-created_at", "-id"))
        if not tokens:
            self.stdout.write(f"{person.email} has no access tokens.")
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

    def revoke_token(self, person: Person, prefix: str) -> None:
        given = prefix.strip().rstrip("…")
        tokens = AccessToken.objects.filter(person=person, revoked_at__isnull=True)
        matches = list(tokens.filter(prefix=given)) or list(
            tokens.filter(token_hash=hash_secret(given))
        )
        if not matches:
            raise CommandError(
                f"{person.email} has no active token starting with “{given}”. "
                f"See `afterclass token list {person.email}`."
            )
        if len(matches) > 1:
            raise CommandError(
                f"More than one active token starts with “{given}”; give the whole token instead."
            )
        token = do_revoke_access_token(matches[0], actor=person)
        self.stdout.write(f"Revoked the token “{token.name}” ({token.prefix}…) of {person.email}.")
