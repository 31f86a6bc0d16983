from django.apps import AppConfig


class PostsConfig(AppConfig):
    name = "afterclass.posts"
    label = "posts"
