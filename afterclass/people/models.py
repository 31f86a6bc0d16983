"""People and the organisation: the one organisation, its departments and levels, and persons."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

DEFAULT_LEVELS = ["Staff", "Team lead", "Manager", "Director", "Executive"]

# An erased person's row keeps their place (authors, counts) with no personal data: this name,
# and an address at this domain, reserved so that no real address is ever there (RFC 2606).
# afterclass.erasure empties the row; these say what an emptied row is.
FORMER_COLLEAGUE = "Former colleague"
ERASED_DOMAIN = "erased.invalid"


class TwoFactorRequirement(models.TextChoices):
    """Who must sign in with a second factor (people.two_factor applies it)."""

    NOBODY = "nobody", "Nobody"
    ADMINS = "admins", "Organisation admins"
    EVERYONE = "everyone", "Everyone with a password"


class ErasedContent(models.TextChoices):
    """What becomes of an erased person's posts, comments and answers (afterclass.erasure)."""

    KEEP = "keep", "Kept, shown as “Former colleague”"
    DELETE = "delete", "Deleted"


class Organisation(models.Model):
    """The single organisation of this installation (always pk=1)."""

    name = models.CharField(max_length=120, default="Our organisation")
    logo = models.ImageField(upload_to="organisation/", blank=True)
    allowed_domains = models.JSONField(default=list, blank=True)
    anyone_can_create_spaces = models.BooleanField(default=True)
    two_factor_required_for = models.CharField(
        max_length=10, choices=TwoFactorRequirement.choices, default=TwoFactorRequirement.NOBODY
    )
    # The choice an erasure starts with; the admin may choose otherwise for each one.
    erased_content = models.CharField(
        max_length=8, choices=ErasedContent.choices, default=ErasedContent.KEEP
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls) -> Organisation:
        organisation, _ = cls.objects.get_or_create(pk=1)
        return organisation


class ManagementLevel(models.Model):
    """One rung of the organisation's ordered list of management levels (rank 1 = most junior)."""

    name = models.CharField(max_length=60, unique=True)
    rank = models.PositiveSmallIntegerField(unique=True)

    class Meta:
        ordering: ClassVar = ["rank"]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A department or, with a parent, a team inside one."""

    name = models.CharField(max_length=120)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="teams"
    )

    class Meta:
        ordering: ClassVar = ["name"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                "parent", Lower("name"), name="department_unique_name_per_parent"
            ),
            models.UniqueConstraint(
                Lower("name"),
                condition=models.Q(parent__isnull=True),
                name="department_unique_top_level_name",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def path(self) -> str:
        return f"{self.parent.name} / {self.name}" if self.parent_id and self.parent else self.name


class PersonManager(BaseUserManager["Person"]):
    def create_user(self, email: str, password: str | None = None, **extra: Any) -> Person:
        person = self.model(email=self.normalize_email(email).lower(), **extra)
        person.set_password(password)
        person.save(using=self._db)
        return person

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> Person:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("is_org_admin", True)
        return self.create_user(email, password, **extra)


class PersonQuerySet(models.QuerySet["Person"]):
    def active(self) -> PersonQuerySet:
        return self.filter(is_active=True)

    def for_list(self) -> PersonQuerySet:
        return self.select_related("department", "department__parent", "level")

    def not_erased(self) -> PersonQuerySet:
        return self.exclude(email__endswith=f"@{ERASED_DOMAIN}")


PersonManagerWithQueries = PersonManager.from_queryset(PersonQuerySet)


class Person(AbstractBaseUser, PermissionsMixin):
    """A member of staff. Deactivated rather than deleted: their content stays."""

    email = models.EmailField(unique=True)
    display_name = models.CharField(max_length=120)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    job_title = models.CharField(max_length=120, blank=True)
    level = models.ForeignKey(
        ManagementLevel, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    avatar = models.ImageField(upload_to="avatars/", blank=True)
    bio = models.TextField(max_length=600, blank=True)
    interests = models.JSONField(default=list, blank=True)
    is_org_admin = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    # When the person finished (or skipped) the first-visit welcome. None: they have not, and
    # signing in takes them to it. People made by sign-up, an invitation or an admin start with
    # None (people.actions); anyone else, and everyone who existed before it, counts as done.
    onboarded_at = models.DateTimeField(null=True, blank=True, default=timezone.now)

    objects = PersonManagerWithQueries()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["display_name"]

    class Meta:
        ordering: ClassVar = ["display_name", "id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(email=Lower("email")), name="person_email_lowercase"
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["display_name", "id"])]

    def __str__(self) -> str:
        return self.display_name or self.email

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name.split(" ")[0] if self.display_name else self.email

    @property
    def is_erased(self) -> bool:
        return self.email.endswith(f"@{ERASED_DOMAIN}")

    @property
    def initials(self) -> str:
        parts = [part for part in self.display_name.split() if part]
        return "".join(part[0] for part in parts[:2]).upper() or "?"


class Invitation(models.Model):
    """An invitation to join the organisation, by e-mail, valid for a limited time."""

    email = models.EmailField()
    display_name = models.CharField(max_length=120, blank=True)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    level = models.ForeignKey(
        ManagementLevel, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [models.Index(fields=["email"])]

    def __str__(self) -> str:
        return self.email

    @property
    def is_usable(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class TokenScope(models.TextChoices):
    """What an access token may do: read only (safe methods) or read and write."""

    READ = "read", "Read only"
    WRITE = "write", "Read and write"


class AccessToken(models.Model):
    """A personal access token for the API. Only its SHA-256 is stored; it is shown once."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="access_tokens")
    name = models.CharField(max_length=80)
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Tokens made before scopes existed could do everything: they stay "write".
    scope = models.CharField(max_length=5, choices=TokenScope.choices, default=TokenScope.WRITE)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()
