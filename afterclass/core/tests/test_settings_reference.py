"""The configuration reference in docs/OPERATIONS.md is generated from what settings.py reads
(core.settings_reference): it fails here as soon as they disagree."""

import textwrap

from django.core.management import call_command

from afterclass.core.settings_reference import (
    DOCUMENT,
    documented_block,
    table,
    undescribed,
    variables_read,
)


def test_every_variable_settings_reads_has_a_meaning():
    missing = undescribed(variables_read())
    assert not missing, (
        "settings.py reads these variables but afterclass/core/settings_reference.py (MEANINGS) "
        f"does not say what they mean: {', '.join(missing)}"
    )


def test_operations_doc_lists_exactly_the_variables_settings_reads():
    documented = documented_block(DOCUMENT.read_text(encoding="utf-8"))
    assert documented is not None, "docs/OPERATIONS.md lost its settings-reference markers"
    read = {variable.name for variable in variables_read()}
    listed = {line.split("`")[1] for line in documented.splitlines()[2:]}
    assert not read - listed, f"read by settings.py, missing from the doc: {sorted(read - listed)}"
    assert not listed - read, f"in the doc, no longer read by settings.py: {sorted(listed - read)}"
    assert documented == table(variables_read()), (
        "docs/OPERATIONS.md's configuration reference is out of date: run "
        "`afterclass settings_reference --write`"
    )


def test_variables_read_finds_every_way_of_reading_and_its_default(tmp_path):
    source = tmp_path / "settings.py"
    source.write_text(
        textwrap.dedent(
            """
            import os
            A = os.environ.get("PLAIN", "x")
            B = int(os.environ.get("WITH_OR") or 5)
            C = os.environ["SUBSCRIPT"]
            D = env_bool("A_BOOL", default=True)
            E = env_list("A_LIST", "a,b")
            F = os.environ.get("NO_DEFAULT")
            G = os.environ.get(f"DYNAMIC_{B}")
            def providers(environ):
                return environ.get("FROM_MAPPING", "")
            """
        )
    )
    found = {variable.name: variable.default for variable in variables_read((source,))}
    assert found == {
        "PLAIN": "`x`",
        "WITH_OR": "`5`",
        "SUBSCRIPT": None,
        "A_BOOL": "on",
        "A_LIST": "`a,b`",
        "NO_DEFAULT": None,
        "FROM_MAPPING": None,
    }


def test_settings_reference_command_prints_the_table(capsys):
    call_command("settings_reference")
    printed = capsys.readouterr().out
    assert printed.startswith("| variable | meaning | default |")
    assert "| `SECRET_KEY` |" in printed
    assert "| `LOG_FORMAT` |" in printed
