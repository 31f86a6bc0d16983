from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class PostsConfig(AppConfig):
    name = "afterclass.posts"
    label = "posts"

    def ready(self) -> None:
        # What other apps add to a post (polls/post_parts.py: the poll of a poll post); they
        # import posts, posts never imports them (posts/poll_part.py).
        autodiscover_modules("post_parts")
