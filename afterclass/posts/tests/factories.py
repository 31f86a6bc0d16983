"""Factories for posts: made through the actions, as the app makes them."""

from typing import Any

from afterclass.people.models import Person
from afterclass.posts.actions import do_comment, do_create_post
from afterclass.posts.models import Comment, Post
from afterclass.spaces.models import Space


def make_post(space: Space, author: Person, *, kind: str = "discussion", **fields: Any) -> Post:
    fields.setdefault("title", "How do you run a good retrospective?" if kind != "update" else "")
    fields.setdefault("body", "Looking for formats that keep people talking.")
    return do_create_post(space, actor=author, kind=kind, **fields)


def make_comment(post: Post, author: Person, body: str = "Try a timeline.", **kw: Any) -> Comment:
    return do_comment(post, actor=author, body=body, **kw)
