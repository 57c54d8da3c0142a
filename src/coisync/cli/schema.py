"""``coisync schema``: the JSON Schema of each public canonical model."""

from __future__ import annotations

import click

from coisync.cli.output import emit_json
from coisync.model import FORMAT_VERSION, PUBLIC_MODELS


@click.command("schema")
@click.argument("model", type=click.Choice(sorted(PUBLIC_MODELS)), required=False)
def schema_command(model: str | None) -> None:
    """Print the JSON Schema of a canonical model (all of them without MODEL).

    Canonical JSON is coisync's interchange format; each record's ``data`` validates against
    the schema printed here. Schemas describe format version 1.
    """
    if model is None:
        emit_json(
            {
                "format_version": FORMAT_VERSION,
                "models": {name: cls.model_json_schema() for name, cls in sorted(PUBLIC_MODELS.items())},
            }
        )
        return
    schema = PUBLIC_MODELS[model].model_json_schema()
    schema["$comment"] = f"coisync canonical format version {FORMAT_VERSION}"
    emit_json(schema)
