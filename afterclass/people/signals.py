"""What the people app tells the apps above it, without importing them.

`person_deactivated` is sent after the commit that deactivated a person (people.actions
.do_set_active, whoever asked: an admin, the API, SCIM), with `person_id`. The live-update app
closes their open sockets (afterclass.live.receivers).
"""

from django.dispatch import Signal

person_deactivated = Signal()
