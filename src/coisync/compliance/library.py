"""Requirement templates: readable TOML files, built in or from extra directories.

A template is a :class:`~coisync.model.RequirementSet` written as TOML (``NAME.toml``), read with
``RequirementSet.model_validate(data, strict=False)``. The built-in templates ship inside the
package (``coisync/compliance/templates/``) and load through :mod:`importlib.resources`, so they
work from a wheel or a zip. Extra directories (from config or plugins) are searched after the
built-ins; a file there with a built-in's name replaces the built-in.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Iterable, Mapping
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from pydantic import ValidationError

from coisync.errors import InputError, UsageError
from coisync.model import RequirementSet

TEMPLATE_SUFFIX = ".toml"
BUILTIN_TEMPLATE_PACKAGE = "coisync.compliance"
BUILTIN_TEMPLATE_DIR = "templates"


class TemplateNotFoundError(UsageError):
    """No template of that name exists in the library."""


def _validation_summary(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "(top level)"
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"{where}: {first['msg']}{more}"


def parse_template(text: str, origin: str) -> RequirementSet:
    """Parse one template's TOML text.

    Args:
        text: The TOML document.
        origin: File name or path, used in error messages.

    Returns:
        The requirement set the template describes.

    Raises:
        InputError: The text is not valid TOML or not a valid requirement set.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{origin}: not valid TOML ({exc})") from exc
    try:
        return RequirementSet.model_validate(data, strict=False)
    except ValidationError as exc:
        raise InputError(f"{origin}: not a valid requirement set: {_validation_summary(exc)}") from exc


def read_requirements_file(path: Path) -> RequirementSet:
    """Read a requirement set from a TOML file (a template or an agreement's own requirements).

    Raises:
        InputError: The file cannot be read or is not a valid requirement set.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    return parse_template(text, str(path))


class TemplateLibrary:
    """Named requirement templates from the built-in set and any extra directories.

    Templates are parsed on first use and cached; a broken file is reported when it is asked for
    (``get``), never when the library is listed, so one bad file cannot hide the others.
    """

    def __init__(self, sources: Mapping[str, Traversable | Path], builtin: Iterable[str] = ()) -> None:
        """Build a library from template name to file.

        Args:
            sources: Template name to the file holding it.
            builtin: Names whose file is a built-in template (reported as origin ``builtin``).
        """
        self._sources: dict[str, Traversable | Path] = dict(sources)
        self._builtin = frozenset(builtin)
        self._cache: dict[str, RequirementSet] = {}

    @staticmethod
    def _builtin_sources() -> dict[str, Traversable]:
        folder = files(BUILTIN_TEMPLATE_PACKAGE).joinpath(BUILTIN_TEMPLATE_DIR)
        return {
            entry.name[: -len(TEMPLATE_SUFFIX)]: entry
            for entry in folder.iterdir()
            if entry.is_file() and entry.name.endswith(TEMPLATE_SUFFIX)
        }

    @staticmethod
    def _directory_sources(directory: Path) -> dict[str, Path]:
        if not directory.is_dir():
            raise InputError(f"{directory}: template directory does not exist")
        return {path.stem: path for path in sorted(directory.glob(f"*{TEMPLATE_SUFFIX}")) if path.is_file()}

    @classmethod
    def builtin(cls) -> TemplateLibrary:
        """The templates shipped with coisync."""
        sources = cls._builtin_sources()
        return cls(sources, builtin=sources)

    @classmethod
    def with_directories(
        cls, directories: Iterable[Path], *, include_builtin: bool = True
    ) -> TemplateLibrary:
        """The built-in templates plus every ``*.toml`` in the given directories.

        Later directories win over earlier ones and over the built-ins on equal names.

        Raises:
            InputError: A directory does not exist.
        """
        builtin = cls._builtin_sources() if include_builtin else {}
        sources: dict[str, Traversable | Path] = dict(builtin)
        for directory in directories:
            sources.update(cls._directory_sources(Path(directory)))
        return cls(sources, builtin=(name for name in builtin if sources[name] is builtin[name]))

    def names(self) -> list[str]:
        """Template names, sorted."""
        return sorted(self._sources)

    def __contains__(self, name: object) -> bool:
        return name in self._sources

    def fingerprint(self) -> str:
        """A digest of every template's name and text: it changes when any template does."""
        digest = hashlib.sha256()
        for name in self.names():
            try:
                data = self._sources[name].read_bytes()
            except OSError:
                data = b"(unreadable)"
            digest.update(f"{name}\n{len(data)}\n".encode())
            digest.update(data)
        return digest.hexdigest()

    def origin(self, name: str) -> str:
        """Where a template comes from: ``builtin`` or the file path."""
        return "builtin" if name in self._builtin else str(self._sources[name])

    def text(self, name: str) -> str:
        """The template's TOML text, comments included.

        Raises:
            TemplateNotFoundError: No template has that name.
        """
        source = self._source(name)
        try:
            return source.read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"template {name!r}: cannot be read ({exc})") from exc

    def get(self, name: str) -> RequirementSet:
        """The requirement set of one template; its ``name`` is the template name.

        Raises:
            TemplateNotFoundError: No template has that name.
            InputError: The template file is broken.
        """
        cached = self._cache.get(name)
        if cached is not None:
            return cached
        requirements = parse_template(self.text(name), f"template {name!r} ({self.origin(name)})")
        if requirements.name != name:
            requirements = requirements.model_copy(update={"name": name})
        self._cache[name] = requirements
        return requirements

    def _source(self, name: str) -> Traversable | Path:
        try:
            return self._sources[name]
        except KeyError:
            known = ", ".join(self.names()) or "none"
            raise TemplateNotFoundError(
                f"no requirement template named {name!r}; known templates: {known}"
            ) from None
