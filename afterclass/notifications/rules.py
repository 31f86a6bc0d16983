"""Who hears about what by default, and which kinds a space's setting can silence."""

from __future__ import annotations

from afterclass.notifications.models import Channel, NotificationKind

K = NotificationKind

# Sensible defaults: what needs me now arrives by e-mail at once, the rest waits for the digest
# or stays in the app. A person changes any of them with one click.
DEFAULT_CHANNELS: dict[str, str] = {
    K.MENTION: Channel.EMAIL_NOW,
    K.REPLY: Channel.EMAIL_DIGEST,
    K.ANSWER: Channel.EMAIL_NOW,
    K.ACCEPTED: Channel.IN_APP,
    K.NEW_POST: Channel.EMAIL_DIGEST,
    K.ANNOUNCEMENT: Channel.EMAIL_NOW,
    K.SPACE_LAUNCHED: Channel.EMAIL_NOW,
    K.SPACE_ARCHIVED: Channel.IN_APP,
    K.JOIN_REQUEST: Channel.EMAIL_DIGEST,
    K.REQUEST_DECIDED: Channel.EMAIL_NOW,
    K.REPORT_HANDLED: Channel.IN_APP,
    K.ACTIVITY_RELEASED: Channel.EMAIL_DIGEST,
    K.ACTIVITY_DUE: Channel.EMAIL_NOW,
    K.NUDGE: Channel.EMAIL_NOW,
    K.FEEDBACK: Channel.EMAIL_NOW,
    K.SURVEY_INVITATION: Channel.EMAIL_NOW,
    K.SURVEY_REMINDER: Channel.EMAIL_NOW,
    K.ANONYMITY_REVEALED: Channel.EMAIL_NOW,
}

# Kinds a person cannot switch off: the asker must be told when their anonymity is lifted.
CANNOT_SWITCH_OFF = frozenset({K.ANONYMITY_REVEALED})

# Kinds about me rather than about a space's conversation: muting a space does not silence them.
PERSONAL_KINDS = frozenset(
    {
        K.ANONYMITY_REVEALED,
        K.REQUEST_DECIDED,
        K.REPORT_HANDLED,
        K.SPACE_LAUNCHED,
        K.SURVEY_INVITATION,
        K.SURVEY_REMINDER,
    }
)

# Kinds a muted thread still tells its muter about (posts.ThreadFollow): being mentioned is
# about me, as Discourse keeps it, and so are the personal kinds.
THREAD_MUTE_KEEPS = PERSONAL_KINDS | {K.MENTION}

# Kinds only people who follow a space's "all activity" receive.
ALL_ACTIVITY_KINDS = frozenset({K.NEW_POST})


def default_channel(kind: str) -> str:
    return DEFAULT_CHANNELS.get(kind, Channel.IN_APP)


CHANNEL_LABELS = {
    Channel.IN_APP: "In the app",
    Channel.EMAIL_NOW: "E-mail at once",
    Channel.EMAIL_DIGEST: "E-mail digest",
    Channel.PUSH: "Push to my devices",
    Channel.OFF: "Off",
}


def channel_choices(kind: str) -> list[tuple[str, str]]:
    return [
        (value, label)
        for value, label in CHANNEL_LABELS.items()
        if not (value == Channel.OFF and kind in CANNOT_SWITCH_OFF)
    ]
