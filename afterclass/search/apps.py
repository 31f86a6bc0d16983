from importlib import import_module

from django.apps import AppConfig

from afterclass.core.backup.derived import register_rebuild
from afterclass.core.indexing import register_indexer
from afterclass.people.directory_search import register_ranked_search


class SearchConfig(AppConfig):
    name = "afterclass.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        # The index is derived from the rows and files a backup restores: a restore rebuilds it.
        # Core runs the restore and imports no app; the index reads models, so it is imported
        # once they are ready (as Django imports every admin.py).
        register_rebuild("Search index", import_module("afterclass.search.index").rebuild)
        # The actions of the apps the index reads (posts, people, spaces, learning) tell it what
        # changed through core.indexing: they cannot import search, which imports them.
        register_indexer(import_module("afterclass.search.queue").INDEXER)
        # The people directory's ranked search is ours; people cannot import search either.
        register_ranked_search(import_module("afterclass.search.engine").search_people)
