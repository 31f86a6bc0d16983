"""Every change to structured learning. Pages, API and commands call these."""

from afterclass.learning.actions.building import (
    QuestionIn,
    do_copy_units,
    do_create_activity,
    do_create_unit,
    do_delete_activity,
    do_delete_unit,
    do_move_activity,
    do_move_unit,
    do_reorder_activities,
    do_reorder_units,
    do_update_activity,
    do_update_unit,
)
from afterclass.learning.actions.progress import (
    QuickCheckResult,
    do_answer_quick_check,
    do_give_feedback,
    do_mark_done,
    do_nudge,
    do_record_progress_export,
    do_submit,
    do_view_activity,
)
from afterclass.learning.actions.reminders import send_learning_reminders
from afterclass.learning.actions.sessions import (
    do_create_session,
    do_delete_session,
    do_update_session,
)

__all__ = [
    "QuestionIn",
    "QuickCheckResult",
    "do_answer_quick_check",
    "do_copy_units",
    "do_create_activity",
    "do_create_session",
    "do_create_unit",
    "do_delete_activity",
    "do_delete_session",
    "do_delete_unit",
    "do_give_feedback",
    "do_mark_done",
    "do_move_activity",
    "do_move_unit",
    "do_nudge",
    "do_record_progress_export",
    "do_reorder_activities",
    "do_reorder_units",
    "do_submit",
    "do_update_activity",
    "do_update_session",
    "do_update_unit",
    "do_view_activity",
    "send_learning_reminders",
]
