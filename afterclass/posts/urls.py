"""Post pages, included at the site root: feeds, a space's new-post form, a post and its
comments, and the controls on them."""

from django.urls import URLPattern, path

from afterclass.posts.views import (
    compose,
    composer,
    drafts,
    feeds,
    follow,
    hashtags,
    moderation,
    preview,
    thread,
)

urlpatterns: list[URLPattern] = [
    path("feed/", feeds.home, name="home-feed"),
    path("questions/waiting/", feeds.waiting, name="waiting-questions"),
    path("feed/top/", follow.top, name="top-feed"),
    path("feed/following/", follow.following, name="following-feed"),
    path("feed/saved/", follow.saved, name="saved-feed"),
    path("hashtags/<str:tag>/", hashtags.tag_page, name="hashtag"),
    path("compose/", composer.compose, name="composer"),
    path("compose/drafts/", drafts.drafts, name="composer-drafts"),
    path("compose/drafts/save/", drafts.save, name="composer-draft-save"),
    path("compose/drafts/<int:draft_id>/discard/", drafts.discard, name="composer-draft-discard"),
    path("spaces/<slug:slug>/posts/new/", compose.create, name="post-create"),
    path(
        "spaces/<slug:slug>/mention-suggestions/",
        compose.suggest_mentions,
        name="mention-suggestions",
    ),
    path("spaces/<slug:slug>/preview/", preview.preview, name="post-preview"),
    path("posts/<int:post_id>/", thread.detail, name="post-detail"),
    path("posts/<int:post_id>/edit/", compose.edit, name="post-edit"),
    path("posts/<int:post_id>/remove/", thread.remove, name="post-remove"),
    path("posts/<int:post_id>/comments/", thread.comment, name="post-comment"),
    path("posts/<int:post_id>/accept/", thread.accept, name="post-accept"),
    path("posts/<int:post_id>/react/", thread.react, name="post-react"),
    path("posts/<int:post_id>/answers/<int:comment_id>/vote/", thread.vote, name="answer-vote"),
    path("posts/<int:post_id>/save/", follow.save, name="post-save"),
    path("posts/<int:post_id>/follow/", follow.follow, name="post-follow"),
    path("posts/<int:post_id>/acknowledge/", follow.acknowledge, name="post-acknowledge"),
    path(
        "posts/<int:post_id>/acknowledgements/",
        follow.acknowledgement_list,
        name="post-acknowledgements",
    ),
    path("posts/<int:post_id>/hide/", moderation.hide, name="post-hide"),
    path("posts/<int:post_id>/restore/", moderation.restore, name="post-restore"),
    path("posts/<int:post_id>/pin/", moderation.pin, name="post-pin"),
    path("posts/<int:post_id>/lock/", moderation.lock, name="post-lock"),
    path("posts/<int:post_id>/reveal-asker/", moderation.reveal_asker, name="post-reveal-asker"),
    path("comments/<int:comment_id>/edit/", thread.edit_comment, name="comment-edit"),
    path("comments/<int:comment_id>/remove/", thread.remove_comment, name="comment-remove"),
    path("comments/<int:comment_id>/hide/", moderation.hide_comment, name="comment-hide"),
    path("comments/<int:comment_id>/restore/", moderation.restore_comment, name="comment-restore"),
    path("comments/<int:comment_id>/react/", thread.comment_react, name="comment-react"),
]
