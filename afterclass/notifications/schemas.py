"""Notifications API schemas. The actor is built only from the notification's stored actor,
which is empty whenever the actor must not be named (an anonymous asker): then `"actor": null`."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema
from pydantic import StrictBool, model_validator

from afterclass.core.api import MAX_IDS, Id, InputSchema
from afterclass.notifications.models import (
    Channel,
    DigestFrequency,
    Notification,
    NotificationKind,
    SpaceLevel,
)
from afterclass.notifications.queries import EmailRow, KindRow, SpaceRow


class ActorOut(Schema):
    id: int
    name: str


class NotificationSpaceOut(Schema):
    slug: str
    name: str


class NotificationOut(Schema):
    id: int
    kind: NotificationKind
    message: str = Field(description="Written for me, anonymity already applied.")
    url: str = Field(description="The page it is about, a path on this site.")
    actor: ActorOut | None = Field(description="null when the actor is not named.")
    space: NotificationSpaceOut | None
    post: int | None
    comment: int | None
    created_at: datetime
    read: bool

    @classmethod
    def build(cls, row: Notification) -> NotificationOut:
        actor = row.actor
        space = row.space
        return cls(
            id=row.pk,
            kind=NotificationKind(row.kind),
            message=row.message,
            url=row.url,
            actor=ActorOut(id=actor.pk, name=actor.display_name) if actor is not None else None,
            space=NotificationSpaceOut(slug=space.slug, name=space.name) if space else None,
            post=row.post_id,
            comment=row.comment_id,
            created_at=row.created_at,
            read=row.read_at is not None,
        )


class NotificationPage(Schema):
    items: list[NotificationOut]
    next: str | None


class UnreadCountOut(Schema):
    count: int = Field(description="Counted up to 100; see label.")
    label: str = Field(description='What the bell shows: the count, or "99+".')


class ReadIn(InputSchema):
    """Either `ids` (mine; others' are ignored) or `"all": true`."""

    ids: list[Id] | None = Field(None, min_length=1, max_length=MAX_IDS)
    all: StrictBool = False

    @model_validator(mode="after")
    def one_of(self) -> ReadIn:
        if bool(self.ids) == self.all:
            raise ValueError('send either "ids" or "all": true')
        return self


class ReadOut(Schema):
    marked: int = Field(description="How many were unread and are now read.")


class KindPreferenceOut(Schema):
    kind: NotificationKind
    label: str
    channel: Channel
    can_switch_off: bool

    @classmethod
    def build(cls, row: KindRow) -> KindPreferenceOut:
        return cls(
            kind=NotificationKind(row.kind),
            label=row.label,
            channel=Channel(row.channel),
            can_switch_off=any(value == Channel.OFF for value, _ in row.choices),
        )


class SpaceLevelOut(Schema):
    slug: str
    name: str
    level: SpaceLevel

    @classmethod
    def build(cls, row: SpaceRow) -> SpaceLevelOut:
        return cls(slug=row.space.slug, name=row.space.name, level=SpaceLevel(row.level))


class PreferencesOut(Schema):
    kinds: list[KindPreferenceOut]
    spaces: list[SpaceLevelOut] = Field(description="The spaces I am an active member of.")
    digest: DigestFrequency
    no_email: bool

    @classmethod
    def build(cls, kinds: list[KindRow], spaces: list[SpaceRow], email: EmailRow) -> PreferencesOut:
        return cls(
            kinds=[KindPreferenceOut.build(row) for row in kinds],
            spaces=[SpaceLevelOut.build(row) for row in spaces],
            digest=DigestFrequency(email.digest),
            no_email=email.no_email,
        )


class PreferencesIn(InputSchema):
    """Only what is sent changes."""

    kinds: dict[NotificationKind, Channel] | None = Field(
        None, description='Per kind, its channel, e.g. {"reply": "email_now"}.'
    )
    digest: DigestFrequency | None = None
    no_email: StrictBool | None = None


class SpaceLevelIn(InputSchema):
    level: SpaceLevel
